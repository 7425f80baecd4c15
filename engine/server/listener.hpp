#pragma once

// Accepts TCP connections on the server's port and spreads them over the network threads'
// io_contexts round-robin, each connection on its context's executor (one thread runs each
// context, so no strand is needed). Refuses a connection at once when the server holds
// max_connections already. Per-connection work is kept to the accept itself: the peer's address
// comes back from accept(2), and socket options are set once on the listening socket, which
// accepted sockets inherit.

#include "engine/core/expected.hpp"
#include "engine/server/chat_service.hpp"
#include "engine/server/server_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include <memory>
#include <vector>

namespace heregoes::server {

class listener : public std::enable_shared_from_this<listener> {
public:
    // Opens and binds the acceptor; errors name the address and say what to check.
    static expected<std::shared_ptr<listener>> open(boost::asio::io_context& accept_context,
                                                    std::vector<boost::asio::io_context*> workers,
                                                    server_context& ctx,
                                                    chat_service& chat);

    // Starts accepting.
    void run();

    // Stops accepting (drain); connections already accepted carry on. Thread-safe.
    void stop();

    // The bound port (useful when configured as 0).
    std::uint16_t port() const noexcept { return port_; }

private:
    listener(boost::asio::io_context& accept_context,
             std::vector<boost::asio::io_context*> workers,
             server_context& ctx,
             chat_service& chat);
    void do_accept();
    void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& accept_context_;
    // On the accept context's own executor, not a strand: that context is run by exactly one
    // thread (server.cpp), and stop() only posts to it, so accept handlers never run concurrently.
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint peer_; // filled by the accept in progress (one at a time)
    std::vector<boost::asio::io_context*> workers_;
    std::size_t next_worker_ = 0;
    server_context& ctx_;
    chat_service& chat_;
    std::uint16_t port_ = 0;
};

} // namespace heregoes::server
