#pragma once

// The stream under each WebSocket: a TCP socket that can hold writes back and send them as one.
// A turn answers with one to a few bot frames; Beast writes each WebSocket message with its own
// write, which costs a system call each (about 5 µs, performance.md §4). While `hold()` is on,
// every write Beast issues (our messages, framed by Beast's synchronous write, and any pong or
// close frame it sends on its own) is appended to a buffer and completed at once; `async_release`
// then sends the buffer with one write. Holding stays on until that write is done, so no two writes
// ever overlap on the socket and bytes leave in exactly the order Beast produced them. Once
// everything held is sent the buffers are freed, not kept: a reply is a few hundred bytes to a few
// KB, and keeping that capacity on every idle connection cost about 3 KB each.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/system/system_error.hpp>

#include <functional>
#include <string>
#include <utility>

namespace heregoes::server {

class batching_socket {
public:
    using executor_type = boost::asio::any_io_executor;
    using next_layer_type = boost::asio::ip::tcp::socket;

    explicit batching_socket(boost::asio::ip::tcp::socket socket)
        : socket_(std::move(socket)) {}

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    next_layer_type& next_layer() noexcept { return socket_; }

    // Reads go straight to the socket.
    template <class MutableBuffers, class Handler>
    auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
        return socket_.async_read_some(buffers, std::forward<Handler>(handler));
    }

    // Synchronous reads would block a network thread, so there are none; this exists only because
    // Beast's synchronous write asks for a stream that has both. Always operation_not_supported.
    template <class MutableBuffers>
    std::size_t read_some(const MutableBuffers&, boost::beast::error_code& ec) {
        ec = boost::asio::error::operation_not_supported;
        return 0;
    }
    template <class MutableBuffers>
    std::size_t read_some(const MutableBuffers& buffers) {
        boost::beast::error_code ec;
        read_some(buffers, ec);
        throw boost::system::system_error(ec);
    }

    // While holding, a synchronous write appends to the held buffer and never touches the socket:
    // ws_session frames a turn's messages this way, then sends them with async_release. Outside
    // holding it would block a network thread, so it fails with operation_not_supported.
    template <class ConstBuffers>
    std::size_t write_some(const ConstBuffers& buffers, boost::beast::error_code& ec) {
        if (!holding_) {
            ec = boost::asio::error::operation_not_supported;
            return 0;
        }
        ec = {};
        return append(buffers);
    }
    template <class ConstBuffers>
    std::size_t write_some(const ConstBuffers& buffers) {
        boost::beast::error_code ec;
        const std::size_t written = write_some(buffers, ec);
        if (ec) {
            throw boost::system::system_error(ec);
        }
        return written;
    }

    // Writes go to the socket, or into the held buffer (completing at once) while holding.
    template <class ConstBuffers, class Handler>
    auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
        if (!holding_) {
            return socket_.async_write_some(buffers, std::forward<Handler>(handler));
        }
        const std::size_t size = append(buffers);
        return boost::asio::async_initiate<Handler, void(boost::beast::error_code, std::size_t)>(
            [this, size](auto h) {
                // Complete through the handler's own executor, never inline.
                auto ex = boost::asio::get_associated_executor(h, socket_.get_executor());
                boost::asio::post(ex,
                                  boost::beast::bind_front_handler(
                                      std::move(h), boost::beast::error_code{}, size));
            },
            handler);
    }

    // Starts holding writes back. Call only when no release is in progress.
    void hold() noexcept { holding_ = true; }

    // Sends everything held as one write (looping if more was held meanwhile), stops holding, and
    // then calls `done` with the first error. Call on the socket's executor.
    void async_release(std::function<void(boost::beast::error_code)> done) {
        done_ = std::move(done);
        flush();
    }

private:
    // Copies `buffers` onto the end of the held bytes; gives their size.
    template <class ConstBuffers>
    std::size_t append(const ConstBuffers& buffers) {
        const auto size = boost::asio::buffer_size(buffers);
        const auto old = held_.size();
        held_.resize(old + size);
        boost::asio::buffer_copy(boost::asio::buffer(held_.data() + old, size), buffers);
        return size;
    }

    void flush() {
        if (held_.empty()) {
            holding_ = false;
            release_buffers();
            auto done = std::move(done_);
            done_ = nullptr;
            done(boost::beast::error_code{});
            return;
        }
        sending_.swap(held_);
        held_.clear();
        boost::asio::async_write(socket_,
                                 boost::asio::buffer(sending_),
                                 [this](boost::beast::error_code ec, std::size_t) {
                                     sending_.clear();
                                     if (ec) {
                                         holding_ = false;
                                         release_buffers();
                                         auto done = std::move(done_);
                                         done_ = nullptr;
                                         done(ec);
                                         return;
                                     }
                                     flush();
                                 });
    }

    // Gives both buffers' storage back (clear() would keep the capacity).
    void release_buffers() noexcept {
        std::string().swap(held_);
        std::string().swap(sending_);
    }

    boost::asio::ip::tcp::socket socket_;
    bool holding_ = false;
    std::string held_;    // bytes written while holding, not yet sent
    std::string sending_; // bytes of the write in progress
    std::function<void(boost::beast::error_code)> done_;
};

// Beast's WebSocket close handshake ends by tearing down the transport; for this stream that is
// the socket's own teardown.
inline void
teardown(boost::beast::role_type role, batching_socket& stream, boost::beast::error_code& ec) {
    boost::beast::websocket::teardown(role, stream.next_layer(), ec);
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role,
                    batching_socket& stream,
                    TeardownHandler&& handler) {
    boost::beast::websocket::async_teardown(
        role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

} // namespace heregoes::server
