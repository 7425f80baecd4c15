#pragma once

// The server's metrics, served at GET /metrics in the Prometheus text format. Everything here is
// a count or a duration: no label ever carries anything a person sent (error codes, reject reasons
// and store operations are fixed vocabularies). Updates are relaxed atomics, so network threads
// record without locks; a scrape reads each value once and may mix values a few microseconds apart.

#include "adapters/web/protocol_error.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace heregoes::server {

// A latency histogram with fixed buckets from 100 µs to 2.5 s: a turn takes tens of
// microseconds of CPU plus a store commit of about a millisecond; anything in the top buckets is
// an incident.
class latency_histogram {
public:
    static constexpr std::array<double, 14> bounds_seconds{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    void observe(std::chrono::steady_clock::duration d) noexcept;

    // Appends the _bucket, _sum and _count lines of `name` with optional extra `labels`
    // ("op=\"save\"").
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::array<std::atomic<std::uint64_t>, bounds_seconds.size() + 1> buckets_{};
    std::atomic<std::uint64_t> sum_ns_{0};
    std::atomic<std::uint64_t> count_{0};
};

// Why a connection or handshake was refused.
enum class reject_reason : std::uint8_t { origin, per_ip, capacity, draining, bad_request };
inline constexpr std::size_t reject_reason_count = 5;

struct metrics {
    std::atomic<std::int64_t> connections{0}; // open WebSocket connections
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::int64_t> sessions_active{0}; // connections with a started or resumed session
    std::atomic<std::uint64_t> sessions_started{0};
    std::atomic<std::uint64_t> sessions_resumed{0};
    std::atomic<std::uint64_t> sessions_forgotten{0};
    std::atomic<std::uint64_t> sessions_purged{0};
    std::atomic<std::uint64_t> turns{0};
    std::atomic<std::uint64_t> crisis_routes{0};   // turns that answered with the crisis path
    std::atomic<std::uint64_t> frames_replayed{0}; // bot frames re-sent on resume
    std::atomic<std::uint64_t> http_requests{0};
    std::atomic<std::uint64_t> abuse_closes{0}; // connections closed with 1008
    std::atomic<std::uint64_t> store_failures{0};
    std::atomic<std::uint64_t> dialog_reloads{0};
    std::atomic<std::uint64_t> dialog_reload_failures{0};
    std::array<std::atomic<std::uint64_t>, web::protocol_error_count> errors{};
    std::array<std::atomic<std::uint64_t>, reject_reason_count> rejects{};
    latency_histogram turn_latency; // frame read to reply written to the socket buffer
    latency_histogram store_save;   // store save call to durable completion
    latency_histogram store_load;   // store load (resume) call to completion

    // Counts one error frame sent.
    void count_error(web::protocol_error code) noexcept {
        errors[static_cast<std::size_t>(code)].fetch_add(1, std::memory_order_relaxed);
    }
    void count_reject(reject_reason r) noexcept {
        rejects[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed);
    }

    // The whole exposition, Prometheus text format 0.0.4, with the logger's count of dropped
    // lines (the logger outlives the metrics and counts on its own).
    std::string render(std::uint64_t log_lines_dropped = 0) const;
};

} // namespace heregoes::server
