#pragma once

// What every connection shares: the configuration, the logger and metrics, the per-address
// table, the origin and proxy policies, the store, and the current dialogs, safety gate and
// static files. The last three are swapped whole on SIGHUP through atomic shared pointers, so a
// turn takes a snapshot and runs on it while a reload builds the next one.

#include "adapters/web/client_frame.hpp"
#include "engine/core/safety_gate.hpp"
#include "engine/dialog/dialog_set.hpp"
#include "engine/server/address_match.hpp"
#include "engine/server/client_registry.hpp"
#include "engine/server/log.hpp"
#include "engine/server/metrics.hpp"
#include "engine/server/server_config.hpp"
#include "engine/server/static_site.hpp"
#include "engine/store/session_store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace heregoes::server {

class ws_session;

// The live WebSocket sessions, so a drain can reach each one. Touched on connect and disconnect
// only, never per frame.
class session_tracker {
public:
    // Registers a session; returns its id for remove().
    std::uint64_t add(std::weak_ptr<ws_session> session);
    void remove(std::uint64_t id);
    // The sessions alive now.
    std::vector<std::shared_ptr<ws_session>> snapshot() const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<ws_session>> sessions_;
};

struct server_context {
    server_context(const server_config& c, logger& l, metrics& m, store::session_store& s);

    const server_config config;
    logger& log;
    metrics& stats;
    store::session_store& store;
    client_registry clients;
    const origin_policy origins;
    const proxy_policy proxies;
    const web::frame_limits frame_limits;

    std::atomic<std::shared_ptr<const dialog::dialog_set>> dialogs;
    std::atomic<std::shared_ptr<const safety::gate>> gate;
    std::atomic<std::shared_ptr<const static_site>> site;

    std::atomic<bool> draining{false};
    std::atomic<std::uint64_t> open_connections{0}; // TCP connections, HTTP and WebSocket
    session_tracker sessions;
};

// Holds one of the server's connection slots; releasing it (by destruction) frees the slot.
class connection_slot {
public:
    connection_slot() = default;
    explicit connection_slot(std::atomic<std::uint64_t>& count)
        : count_(&count) {}
    connection_slot(connection_slot&& other) noexcept
        : count_(std::exchange(other.count_, nullptr)) {}
    connection_slot& operator=(connection_slot&& other) noexcept {
        if (this != &other) {
            release();
            count_ = std::exchange(other.count_, nullptr);
        }
        return *this;
    }
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
    ~connection_slot() { release(); }

private:
    void release() {
        if (count_ != nullptr) {
            count_->fetch_sub(1, std::memory_order_relaxed);
            count_ = nullptr;
        }
    }
    std::atomic<std::uint64_t>* count_ = nullptr;
};

} // namespace heregoes::server
