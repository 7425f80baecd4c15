// The acceptor. Accept errors other than shutdown are logged and accepting continues: running
// out of file descriptors for a moment must not stop the server for good. A new connection costs
// the server as few system calls as the kernel allows, because session creation is measured
// against a bare echo server (issue 7): the peer address arrives with accept(2) instead of a
// getpeername(2) later, and TCP_NODELAY is inherited from the listening socket instead of set by
// a setsockopt(2) per connection.

#include "engine/server/listener.hpp"

#include "engine/server/http_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace heregoes::server {

namespace net = boost::asio;
namespace beast = boost::beast;

listener::listener(net::io_context& accept_context,
                   std::vector<net::io_context*> workers,
                   server_context& ctx,
                   chat_service& chat)
    : accept_context_(accept_context)
    , acceptor_(accept_context)
    , workers_(std::move(workers))
    , ctx_(ctx)
    , chat_(chat) {
}

expected<std::shared_ptr<listener>> listener::open(net::io_context& accept_context,
                                                   std::vector<net::io_context*> workers,
                                                   server_context& ctx,
                                                   chat_service& chat) {
    std::shared_ptr<listener> l(new listener(accept_context, std::move(workers), ctx, chat));
    beast::error_code ec;
    const auto address = net::ip::make_address(ctx.config.address, ec);
    const std::string where = ctx.config.address + ":" + std::to_string(ctx.config.port);
    if (ec) {
        return fail("listen", "the listen address is not an IP address.", where);
    }
    const net::ip::tcp::endpoint endpoint{address, static_cast<std::uint16_t>(ctx.config.port)};
    l->acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
        return fail("listen", "cannot open a socket: " + ec.message(), where);
    }
    l->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) {
        return fail("listen", "cannot set SO_REUSEADDR: " + ec.message(), where);
    }
    // Replies are whole frames written at once; waiting to coalesce them only adds latency. Linux
    // copies this option to every socket accept(2) returns, so it is set once here.
    l->acceptor_.set_option(net::ip::tcp::no_delay(true), ec);
    if (ec) {
        return fail("listen", "cannot set TCP_NODELAY: " + ec.message(), where);
    }
    l->acceptor_.bind(endpoint, ec);
    if (ec) {
        return fail("listen",
                    "cannot bind: " + ec.message() + ". Is another server using the port?",
                    where);
    }
    l->acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        return fail("listen", "cannot listen: " + ec.message(), where);
    }
    l->port_ = l->acceptor_.local_endpoint(ec).port();
    return l;
}

void listener::run() {
    net::post(acceptor_.get_executor(),
              beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ec;
        self->acceptor_.close(ec);
    });
}

void listener::do_accept() {
    auto& worker = *workers_[next_worker_];
    next_worker_ = (next_worker_ + 1) % workers_.size();
    // No strand per connection: each context is run by exactly one thread (server.cpp), so its
    // handlers never run concurrently, and a strand would only add an allocation per connection and
    // a queue hop per handler.
    acceptor_.async_accept(net::any_io_executor(worker.get_executor()),
                           peer_,
                           beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        return;
    }
    if (ec) {
        ctx_.log.write(log_level::warn, "accept_failed", {{"error", ec.message()}});
    } else if (ctx_.open_connections.load(std::memory_order_relaxed) >=
               ctx_.config.max_connections) {
        ctx_.stats.count_reject(reject_reason::capacity);
        beast::error_code ignored;
        socket.close(ignored);
    } else {
        ctx_.open_connections.fetch_add(1, std::memory_order_relaxed);
        connection_slot slot(ctx_.open_connections);
        std::make_shared<http_session>(
            std::move(socket), peer_.address(), ctx_, chat_, std::move(slot))
            ->run();
    }
    do_accept();
}

} // namespace heregoes::server
