// The WebSocket connection: handshake, read loop, ordering, rate limits, write queue, close.
// Steps come in do_/on_ pairs as in Beast's examples; every member is touched only on the
// connection's io_context (the socket's executor), which one thread runs: that is what makes the
// queues safe without a strand.

#include "engine/server/ws_session.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

#include <algorithm>

namespace heregoes::server {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using web::protocol_error;

namespace {

// Frees a container's storage, not just its elements: clear() keeps the capacity, and an idle
// connection should hold none.
template <class Container>
void release_storage(Container& c) {
    Container().swap(c);
}

// Beast's timeouts for this connection, with `handshake` as the limit on the opening or closing
// handshake. The idle limit is the connection's own timer (arm_idle_timer), which counts complete
// messages rather than bytes, so a client trickling one frame forever is still closed.
websocket::stream_base::timeout session_timeouts(std::chrono::steady_clock::duration handshake) {
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = handshake;
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    return timeout;
}

} // namespace

ws_session::ws_session(net::ip::tcp::socket socket,
                       server_context& ctx,
                       chat_service& chat,
                       net::ip::address client,
                       connection_slot slot)
    : ws_(batching_socket(std::move(socket)))
    , ctx_(ctx)
    , chat_(chat)
    , client_(std::move(client))
    , slot_(std::move(slot))
    , conv_(ctx.stats)
    , rate_(ctx.config.connection_rate_per_second,
            static_cast<double>(ctx.config.connection_burst),
            clock::now())
    , strikes_(1.0 / static_cast<double>(ctx.config.strike_forgive_seconds),
               static_cast<double>(ctx.config.abuse_strikes),
               clock::now())
    , idle_timer_(ws_.get_executor())
    , last_message_(clock::now()) {
}

ws_session::~ws_session() {
    ctx_.clients.disconnect(client_);
    if (tracker_id_ != 0) {
        ctx_.sessions.remove(tracker_id_);
    }
    if (open_) {
        ctx_.stats.connections.fetch_sub(1, std::memory_order_relaxed);
    }
}

void ws_session::run(beast::http::request<beast::http::empty_body> request) {
    tracker_id_ = ctx_.sessions.add(weak_from_this());
    // No timer for the opening handshake: http_session has already read the request under its own
    // deadline, and all that is left is the 101 response, about 150 bytes into a new socket's empty
    // send buffer, which never waits. Arming the timer cost a timerfd_settime(2) per new session.
    // The closing handshake does need one (a peer may never answer a close): on_accept sets it.
    ws_.set_option(session_timeouts(websocket::stream_base::none()));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "heregoes"); }));
    ws_.read_message_max(ctx_.config.max_frame_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(request,
                     beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
}

void ws_session::on_accept(beast::error_code ec) {
    if (ec) {
        return; // the handshake failed or timed out; nothing was started
    }
    open_ = true;
    ws_.set_option(session_timeouts(std::chrono::milliseconds(ctx_.config.handshake_timeout_ms)));
    ctx_.stats.connections.fetch_add(1, std::memory_order_relaxed);
    ctx_.stats.connections_total.fetch_add(1, std::memory_order_relaxed);
    last_message_ = clock::now();
    arm_idle_timer();
    if (ctx_.draining.load(std::memory_order_relaxed)) {
        draining_ = true;
        close_after_writes(websocket::close_code::going_away);
    }
    do_read();
}

void ws_session::drain() {
    net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
        self->draining_ = true;
        if (!self->busy_ && self->inbox_.empty()) {
            self->close_after_writes(websocket::close_code::going_away);
        }
    });
}

void ws_session::do_read() {
    // Wait for the next message with room for one byte only. Beast's whole-message read reserves
    // its full read size (1536 bytes) in the buffer before any data arrives, so every idle
    // connection would hold that much for nothing; on_read_part reads the rest once it starts.
    ws_.async_read_some(
        buffer_, 1, beast::bind_front_handler(&ws_session::on_read_part, shared_from_this()));
}

void ws_session::on_read_part(beast::error_code ec, std::size_t) {
    if (ec || ws_.is_message_done()) {
        on_read(ec, buffer_.size());
        return;
    }
    // read_message_max still bounds the whole message; this only bounds one step of it.
    ws_.async_read_some(buffer_,
                        ctx_.config.max_frame_bytes,
                        beast::bind_front_handler(&ws_session::on_read_part, shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        if (ec == websocket::error::message_too_big) {
            // Beast has already answered with close code 1009 from the frame header.
            ctx_.stats.count_error(protocol_error::too_large);
        }
        idle_timer_.cancel();
        return; // closed, reset or timed out: the session ends when the last handler returns
    }
    const auto now = clock::now();
    last_message_ = now;
    if (!draining_ && !closing_ && !close_after_) {
        accept_frame(now);
    }
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit(); // an idle connection keeps no read storage (do_read)
    do_read();
}

void ws_session::accept_frame(clock::time_point received) {
    if (!ws_.got_text()) {
        send_error(protocol_error::bad_json,
                   "Binary frames are not accepted; send JSON text frames.");
        strike();
        return;
    }
    if (!rate_.try_take(received) || !ctx_.clients.try_frame(client_, received)) {
        send_error(protocol_error::rate_limited);
        strike();
        return;
    }
    const auto data = buffer_.cdata();
    const std::string_view payload(static_cast<const char*>(data.data()), data.size());
    auto parsed = web::parse_client_frame(payload, ctx_.frame_limits);
    if (!parsed.frame) {
        send_error(parsed.error.code, parsed.error.message);
        strike();
        return;
    }
    if (inbox_.size() >= ctx_.config.max_queued_frames) {
        send_error(protocol_error::rate_limited,
                   "Too many messages are waiting for an answer. Wait for the reply, then send.");
        strike();
        return;
    }
    queued_frame item{std::move(*parsed.frame), received};
    if (!busy_ && inbox_.empty()) {
        start_turn(std::move(item)); // nothing ahead of it: no need to queue
        return;
    }
    inbox_.push_back(std::move(item));
}

void ws_session::process_next() {
    if (busy_ || inbox_.empty() || closing_ || close_after_) {
        return;
    }
    auto item = std::move(inbox_.front());
    inbox_.erase(inbox_.begin());
    if (inbox_.empty()) {
        release_storage(inbox_);
    }
    start_turn(std::move(item));
}

void ws_session::start_turn(queued_frame item) {
    busy_ = true;
    chat_.handle(item.frame,
                 conv_,
                 ws_.get_executor(),
                 [self = shared_from_this(), received = item.received](reply r) {
                     self->on_reply(std::move(r), received);
                 });
}

void ws_session::on_reply(reply r, clock::time_point received) {
    busy_ = false;
    const bool close = r.close;
    if (r.turn) {
        ctx_.stats.turns.fetch_add(1, std::memory_order_relaxed);
    }
    send(std::move(r.frames));
    ctx_.stats.turn_latency.observe(clock::now() - received);
    if (close) {
        release_storage(inbox_);
        close_after_writes(websocket::close_code::normal);
        return;
    }
    process_next();
    if (draining_ && !busy_ && inbox_.empty()) {
        close_after_writes(websocket::close_code::going_away);
    }
}

void ws_session::send_error(protocol_error code, std::string_view message) {
    send(chat_.error_reply(code, message).frames);
}

void ws_session::send(std::vector<std::string> frames) {
    if (closing_ || frames.empty()) {
        return;
    }
    if (!write_active_) {
        start_write(std::move(frames)); // nothing ahead of it: no need to queue
        return;
    }
    if (outbox_.size() >= max_pending_replies) {
        // The client is not reading its replies; stop serving it rather than buffer more.
        boost::system::error_code ignored;
        ws_.next_layer().next_layer().close(ignored);
        closing_ = true;
        return;
    }
    outbox_.push_back(std::move(frames));
}

void ws_session::start_write(std::vector<std::string> frames) {
    write_active_ = true;
    // Beast frames each message synchronously into the held buffer (batching_socket::write_some
    // never touches the socket), and one socket write sends them all. An asynchronous write per
    // message cost a composed operation, a posted completion and an executor copy each. The held
    // buffer has its own copy, so `frames` can go when this returns.
    auto& socket = ws_.next_layer();
    socket.hold();
    beast::error_code framing;
    for (const auto& frame : frames) {
        ws_.write(net::buffer(frame), framing);
        if (framing) {
            break; // the stream is closing; what was framed still goes out, then the session ends
        }
    }
    socket.async_release([self = shared_from_this(), framing](beast::error_code ec) {
        self->on_batch_written(framing ? framing : ec);
    });
}

void ws_session::on_batch_written(beast::error_code ec) {
    if (ec) {
        write_active_ = false;
        release_storage(outbox_);
        closing_ = true;
        return;
    }
    if (!outbox_.empty()) {
        auto next = std::move(outbox_.front());
        outbox_.erase(outbox_.begin());
        if (outbox_.empty()) {
            release_storage(outbox_);
        }
        start_write(std::move(next));
        return;
    }
    write_active_ = false;
    if (close_after_ && !busy_) {
        do_close();
    }
}

void ws_session::strike() {
    if (strikes_.try_take(clock::now())) {
        return;
    }
    ctx_.stats.abuse_closes.fetch_add(1, std::memory_order_relaxed);
    ctx_.log.write(log_level::info, "connection_closed_for_abuse");
    release_storage(inbox_);
    close_after_writes(websocket::close_code::policy_error);
}

void ws_session::close_after_writes(websocket::close_code code) {
    if (closing_ || close_after_) {
        return;
    }
    close_after_ = code;
    if (!write_active_ && !busy_) {
        do_close();
    }
}

void ws_session::do_close() {
    if (closing_ || !open_) {
        return;
    }
    closing_ = true;
    idle_timer_.cancel();
    ws_.async_close(websocket::close_reason(close_after_.value_or(websocket::close_code::normal)),
                    [self = shared_from_this()](beast::error_code) {});
}

void ws_session::arm_idle_timer() {
    const auto idle = std::chrono::seconds(ctx_.config.idle_timeout_seconds);
    // Checking a few times per period keeps the overshoot small without re-arming per message.
    const auto period = std::max<clock::duration>(idle / 4, std::chrono::milliseconds(100));
    idle_timer_.expires_after(period);
    idle_timer_.async_wait([self = shared_from_this(), idle](beast::error_code ec) {
        if (ec || self->closing_) {
            return;
        }
        if (clock::now() - self->last_message_ < idle) {
            self->arm_idle_timer();
            return;
        }
        if (self->write_active_) {
            // Idle and its writes are stuck: the peer is gone or not reading.
            boost::system::error_code ignored;
            self->ws_.next_layer().next_layer().close(ignored);
            self->closing_ = true;
            return;
        }
        // A turn in flight still completes and is sent before the close.
        release_storage(self->inbox_);
        self->close_after_writes(websocket::close_code::going_away);
        if (!self->closing_) {
            self->arm_idle_timer();
        }
    });
}

} // namespace heregoes::server
