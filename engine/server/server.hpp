#pragma once

// The chat server as one object: it loads the dialogs, the safety gate and the widget files,
// opens the session store, binds the port, and runs one io_context per network thread. The
// control operations (reload, drain) block and are meant for a control thread (the one handling
// signals in `heregoes serve`, or a test), never a network thread.

#include "engine/core/expected.hpp"
#include "engine/server/chat_service.hpp"
#include "engine/server/listener.hpp"
#include "engine/server/log.hpp"
#include "engine/server/metrics.hpp"
#include "engine/server/server_config.hpp"
#include "engine/server/server_context.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace heregoes::server {

// How often the housekeeping timer runs: forgets idle client addresses and checks whether a
// purge of expired sessions is due. A minute keeps the address table small without work.
inline constexpr std::chrono::seconds housekeeping_period{60};

class server {
public:
    // Loads everything and binds the port, or says what stopped it (a missing dialog folder, a
    // crisis resource past its review date, a store file it cannot open, a port in use).
    static expected<std::unique_ptr<server>> create(const server_config& config, logger& log);

    // Drains if still running.
    ~server();

    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // The port bound (the configured one, or the one the OS picked for port 0).
    std::uint16_t port() const noexcept;

    // Starts the network threads and accepting.
    void start();

    // Reloads dialogs (merged with the loaded ones, so live sessions keep their versions), the
    // safety gate and the widget files; on any failure keeps what was loaded. Blocks on disk.
    expected<void> reload();

    // Stops accepting, lets every connection finish the frames it already read and close, waits
    // up to drain_timeout_ms, flushes the store and stops the threads. Blocks; idempotent.
    void drain();

    metrics& stats() noexcept { return stats_; }
    server_context& context() noexcept { return *ctx_; }

private:
    server(const server_config& config, logger& log);
    void arm_housekeeping();

    server_config config_;
    logger& log_;
    metrics stats_;
    std::unique_ptr<store::session_store> store_;
    std::unique_ptr<server_context> ctx_;
    std::unique_ptr<chat_service> chat_;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
    std::vector<std::thread> threads_;
    std::shared_ptr<listener> listener_;
    std::unique_ptr<boost::asio::steady_timer> housekeeping_;
    std::chrono::steady_clock::time_point next_purge_;
    std::uint16_t port_ = 0;
    bool running_ = false;
    bool drained_ = false;
};

} // namespace heregoes::server
