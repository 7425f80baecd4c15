#pragma once

// One WebSocket connection speaking protocol v1. It reads frames one at a time, checks them
// against the connection's and the address's rates and the abuse budget, parses them, and runs
// them through the chat service strictly in order: one frame in flight, later ones queued up to
// a bound while it waits for the store. Replies go out through a write queue (Beast allows one
// write at a time, as in Beast's chat-multi example); each reply's frames are written as one
// socket write (batching_socket). Everything happens on the connection's io_context, which exactly
// one thread runs. An idle connection holds no queue or write storage (see the members).

#include "adapters/web/client_frame.hpp"
#include "engine/server/batching_socket.hpp"
#include "engine/server/chat_service.hpp"
#include "engine/server/server_context.hpp"
#include "engine/server/token_bucket.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace heregoes::server {

// Replies waiting to be written to one connection. The chat service answers one frame at a time
// and errors are bounded by the abuse budget, so a backlog this long means the client stopped
// reading: the connection is closed rather than buffered without bound.
inline constexpr std::size_t max_pending_replies = 32;

class ws_session : public std::enable_shared_from_this<ws_session> {
public:
    ws_session(boost::asio::ip::tcp::socket socket,
               server_context& ctx,
               chat_service& chat,
               boost::asio::ip::address client,
               connection_slot slot);
    ~ws_session();

    ws_session(const ws_session&) = delete;
    ws_session& operator=(const ws_session&) = delete;

    // Completes the WebSocket handshake for an upgrade request and starts reading.
    void run(boost::beast::http::request<boost::beast::http::empty_body> request);

    // Asks the connection to finish the frames it already read and close (SIGTERM). Thread-safe.
    void drain();

private:
    using clock = std::chrono::steady_clock;
    struct queued_frame {
        web::client_frame frame;
        clock::time_point received;
    };

    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_read_part(boost::beast::error_code ec, std::size_t bytes);
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void accept_frame(clock::time_point received);
    void process_next();
    void start_turn(queued_frame item);
    void on_reply(reply r, clock::time_point received);
    void send(std::vector<std::string> frames);
    void send_error(web::protocol_error code, std::string_view message = {});
    void start_write(std::vector<std::string> frames);
    void on_batch_written(boost::beast::error_code ec);
    void strike();
    void close_after_writes(boost::beast::websocket::close_code code);
    void do_close();
    void arm_idle_timer();

    boost::beast::websocket::stream<batching_socket> ws_;
    boost::beast::flat_buffer buffer_; // one message; empty, holding no storage, between messages
    server_context& ctx_;
    chat_service& chat_;
    boost::asio::ip::address client_;
    connection_slot slot_;
    conversation conv_;
    token_bucket rate_;
    token_bucket strikes_;
    boost::asio::steady_timer idle_timer_;
    clock::time_point last_message_;
    std::uint64_t tracker_id_ = 0;

    // The queues are vectors used as short FIFOs (both are bounded, so erasing at the front
    // moves a handful of elements at most): an empty std::deque allocates its map and a 512-byte
    // node up front, which at 10,000 idle connections is 11 MB of nothing. A frame or reply skips
    // its queue when nothing is ahead of it, and a queue gives its storage back once it empties,
    // so only a connection with a real backlog holds any.
    std::vector<queued_frame> inbox_;
    bool busy_ = false; // a frame is with the chat service

    std::vector<std::vector<std::string>> outbox_; // replies waiting behind the one being sent
    bool write_active_ = false;

    std::optional<boost::beast::websocket::close_code> close_after_;
    bool closing_ = false;
    bool draining_ = false;
    bool open_ = false; // the handshake completed
};

} // namespace heregoes::server
