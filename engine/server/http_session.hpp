#pragma once

// One plain HTTP connection: reads requests under the handshake timeout (so a slowloris client
// that trickles headers is dropped), answers them from the route table (routes.hpp), and hands a
// WebSocket upgrade on GET /ws to a ws_session once the Origin and the per-address connection
// limit allow it. Keep-alive is honoured until the server drains. A request that has already
// arrived is read and parsed at once, with no timer and no asynchronous read: on a busy server the
// upgrade request is usually there by the time the connection is accepted, and each new session
// is measured against a bare echo server (issue 7). Only a request that has to be waited for arms
// the deadline.

#include "engine/server/chat_service.hpp"
#include "engine/server/server_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace heregoes::server {

// Largest request header block accepted: browsers send 1–2 KiB; 8 KiB is the common server
// default and leaves room for long cookies on a shared domain.
inline constexpr std::uint32_t max_request_header_bytes = 8 * 1024;

// Largest request body: every route is a GET, so any body is a mistake or an attack.
inline constexpr std::uint64_t max_request_body_bytes = 1024;

class http_session : public std::enable_shared_from_this<http_session> {
public:
    // `peer` is the address accept(2) reported for the socket.
    http_session(boost::asio::ip::tcp::socket socket,
                 boost::asio::ip::address peer,
                 server_context& ctx,
                 chat_service& chat,
                 connection_slot slot);

    // Starts reading the first request.
    void run();

private:
    void start();
    void do_read();
    void read_available();
    void on_readable(boost::beast::error_code ec);
    void on_read(boost::beast::error_code ec);
    void upgrade(boost::beast::http::request<boost::beast::http::empty_body> request);
    void respond(boost::beast::http::response<boost::beast::http::string_body> response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void do_close();
    void arm_deadline();
    void disarm_deadline();

    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
    boost::asio::ip::address peer_;
    server_context& ctx_;
    chat_service& chat_;
    connection_slot slot_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
    std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>> response_;

    // The handshake deadline of the current exchange (a request and its response). exchange_
    // numbers the exchanges; armed_for_ names the one the timer guards (0: none), so a timer that
    // fires for a finished exchange is told apart from one that fires for the current one.
    boost::asio::steady_timer deadline_;
    std::chrono::steady_clock::time_point deadline_at_;
    std::uint64_t exchange_ = 0;
    std::uint64_t armed_for_ = 0;
};

} // namespace heregoes::server
