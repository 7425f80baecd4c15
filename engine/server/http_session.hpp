#pragma once

// One plain HTTP connection: reads requests under the handshake timeout (so a slowloris client
// that trickles headers is dropped), answers them from the route table (routes.hpp), and hands a
// WebSocket upgrade on GET /ws to a ws_session once the Origin and the per-address connection
// limit allow it. Keep-alive is honoured until the server drains.

#include "engine/server/chat_service.hpp"
#include "engine/server/server_context.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

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
    http_session(boost::asio::ip::tcp::socket socket,
                 server_context& ctx,
                 chat_service& chat,
                 connection_slot slot);

    // Starts reading the first request.
    void run();

private:
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void upgrade(boost::beast::http::request<boost::beast::http::empty_body> request);
    void respond(boost::beast::http::response<boost::beast::http::string_body> response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void do_close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    server_context& ctx_;
    chat_service& chat_;
    connection_slot slot_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
    std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>> response_;
};

} // namespace heregoes::server
