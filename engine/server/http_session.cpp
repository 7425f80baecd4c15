// Plain HTTP handling and the WebSocket upgrade decision. The request is read with an empty
// body (every route is a GET), bounded headers and the handshake deadline on the whole exchange.
// Reads try the socket first (it is non-blocking) and wait for readiness only when a request is
// incomplete; the deadline timer is armed only then, or for a response's write, so an upgrade
// whose request is already there costs no timer and no asynchronous read.

#include "engine/server/http_session.hpp"

#include "engine/server/routes.hpp"
#include "engine/server/ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace heregoes::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

http_session::http_session(net::ip::tcp::socket socket,
                           net::ip::address peer,
                           server_context& ctx,
                           chat_service& chat,
                           connection_slot slot)
    : socket_(std::move(socket))
    , peer_(peer)
    , ctx_(ctx)
    , chat_(chat)
    , slot_(std::move(slot))
    , deadline_(socket_.get_executor()) {
}

void http_session::run() {
    net::dispatch(socket_.get_executor(),
                  beast::bind_front_handler(&http_session::start, shared_from_this()));
}

void http_session::start() {
    // Reads try the socket before waiting, so it must not block. Asio would make it non-blocking
    // on the first asynchronous operation anyway, with the same one ioctl(2).
    beast::error_code ec;
    socket_.non_blocking(true, ec);
    if (ec) {
        return;
    }
    do_read();
}

void http_session::do_read() {
    parser_.emplace();
    parser_->header_limit(max_request_header_bytes);
    parser_->body_limit(max_request_body_bytes);
    ++exchange_;
    // The whole request must arrive within the deadline, however slowly its bytes trickle; the
    // response's write counts against the same deadline.
    deadline_at_ = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(ctx_.config.handshake_timeout_ms);
    read_available();
}

void http_session::read_available() {
    beast::error_code ec;
    http::read(socket_, buffer_, *parser_, ec);
    if (ec == net::error::would_block) {
        // Part of the request, or none of it, is here: the parser keeps what it has read.
        arm_deadline();
        socket_.async_wait(
            net::socket_base::wait_read,
            beast::bind_front_handler(&http_session::on_readable, shared_from_this()));
        return;
    }
    on_read(ec);
}

void http_session::on_readable(beast::error_code ec) {
    if (ec) {
        on_read(ec); // operation_aborted once the deadline closed the socket
        return;
    }
    read_available();
}

void http_session::on_read(beast::error_code ec) {
    disarm_deadline();
    if (ec == http::error::end_of_stream) {
        do_close();
        return;
    }
    if (ec) {
        if (ec == net::error::operation_aborted || ec == net::error::connection_reset ||
            ec == net::error::eof) {
            return; // slow, gone or cancelled: drop the connection quietly
        }
        ctx_.stats.count_reject(reject_reason::bad_request);
        http_request bad{http::verb::get, "/", 11};
        bad.keep_alive(false);
        respond(text_response(bad, http::status::bad_request, "bad request\n"));
        return;
    }
    ctx_.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
    auto request = parser_->release();
    if (beast::websocket::is_upgrade(request)) {
        const std::string_view target = request.target();
        if (target.substr(0, target.find('?')) == "/ws") {
            upgrade(std::move(request));
            return;
        }
        respond(text_response(request, http::status::not_found, "not found\n"));
        return;
    }
    respond(route(ctx_, request));
}

void http_session::upgrade(http_request request) {
    auto refuse = [&](http::status status, reject_reason reason, std::string body) {
        ctx_.stats.count_reject(reason);
        request.keep_alive(false);
        respond(text_response(request, status, std::move(body)));
    };
    if (ctx_.draining.load(std::memory_order_relaxed)) {
        refuse(http::status::service_unavailable,
               reject_reason::draining,
               "the server is restarting; try again in a moment\n");
        return;
    }
    const auto origin_it = request.find(http::field::origin);
    const std::optional<std::string_view> origin =
        origin_it == request.end() ? std::nullopt
                                   : std::optional<std::string_view>(origin_it->value());
    if (!ctx_.origins.allows(origin, request[http::field::host])) {
        refuse(http::status::forbidden,
               reject_reason::origin,
               "this page's origin may not open the chat\n");
        return;
    }
    const auto client = ctx_.proxies.client_address(peer_, request["X-Forwarded-For"]);
    if (!ctx_.clients.try_connect(client)) {
        refuse(http::status::too_many_requests,
               reject_reason::per_ip,
               "too many connections from this address\n");
        return;
    }
    std::make_shared<ws_session>(std::move(socket_), ctx_, chat_, client, std::move(slot_))
        ->run(std::move(request));
}

void http_session::respond(http_response response) {
    const bool keep_alive = response.keep_alive() && !ctx_.draining.load(std::memory_order_relaxed);
    response.keep_alive(keep_alive);
    response_ = std::make_shared<http_response>(std::move(response));
    // A client that stops reading must not hold the connection past the exchange's deadline.
    arm_deadline();
    http::async_write(
        socket_,
        *response_,
        beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    disarm_deadline();
    response_.reset();
    if (ec) {
        return;
    }
    if (!keep_alive) {
        do_close();
        return;
    }
    do_read();
}

void http_session::do_close() {
    beast::error_code ec;
    socket_.shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

void http_session::arm_deadline() {
    if (armed_for_ == exchange_) {
        return;
    }
    armed_for_ = exchange_;
    deadline_.expires_at(deadline_at_);
    deadline_.async_wait([self = shared_from_this(), exchange = exchange_](beast::error_code ec) {
        // Cancelled, or fired too late to cancel for an exchange that has since finished.
        if (ec || self->armed_for_ != exchange) {
            return;
        }
        self->armed_for_ = 0;
        // The pending wait or write then ends with operation_aborted, and the session with it.
        beast::error_code ignored;
        self->socket_.close(ignored);
    });
}

void http_session::disarm_deadline() {
    if (armed_for_ == 0) {
        return;
    }
    armed_for_ = 0;
    deadline_.cancel();
}

} // namespace heregoes::server
