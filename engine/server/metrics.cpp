// Prometheus text rendering of the server metrics. Names follow the Prometheus conventions
// (heregoes_ prefix, _total for counters, base units in seconds).

#include "engine/server/metrics.hpp"

#include <cstdio>

namespace heregoes::server {

namespace {

constexpr std::array<const char*, reject_reason_count> reject_names{
    "origin", "per_ip", "capacity", "draining", "bad_request"};

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

template <class T>
void line(std::string& out, const char* name, const std::atomic<T>& value) {
    out += name;
    out += ' ';
    out += std::to_string(value.load(std::memory_order_relaxed));
    out += '\n';
}

template <class T>
void single(std::string& out,
            const char* name,
            const char* type,
            const char* help,
            const std::atomic<T>& value) {
    header(out, name, type, help);
    line(out, name, value);
}

std::string seconds_text(double s) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", s);
    return buffer;
}

} // namespace

void latency_histogram::observe(std::chrono::steady_clock::duration d) noexcept {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    const double seconds = static_cast<double>(ns) / 1e9;
    std::size_t i = 0;
    while (i < bounds_seconds.size() && seconds > bounds_seconds[i]) {
        ++i;
    }
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(ns > 0 ? static_cast<std::uint64_t>(ns) : 0, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

void latency_histogram::render(std::string& out,
                               const std::string& name,
                               const std::string& labels) const {
    const std::string prefix = labels.empty() ? "" : labels + ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_seconds.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        out += name + "_bucket{" + prefix + "le=\"" +
               (i < bounds_seconds.size() ? seconds_text(bounds_seconds[i]) : "+Inf") + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out += name + "_sum" + braces + " " +
           seconds_text(static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9) + "\n";
    out += name + "_count" + braces + " " + std::to_string(count_.load(std::memory_order_relaxed)) +
           "\n";
}

std::string metrics::render(std::uint64_t log_lines_dropped) const {
    std::string out;
    out.reserve(4096);
    single(out, "heregoes_connections", "gauge", "Open WebSocket connections.", connections);
    single(out,
           "heregoes_connections_total",
           "counter",
           "WebSocket connections accepted.",
           connections_total);
    header(out,
           "heregoes_connections_rejected_total",
           "counter",
           "Connections or handshakes refused, by reason.");
    for (std::size_t i = 0; i < reject_reason_count; ++i) {
        out += std::string("heregoes_connections_rejected_total{reason=\"") + reject_names[i] +
               "\"} " + std::to_string(rejects[i].load(std::memory_order_relaxed)) + "\n";
    }
    single(out, "heregoes_sessions", "gauge", "Connections with a live session.", sessions_active);
    single(out,
           "heregoes_sessions_started_total",
           "counter",
           "New sessions started.",
           sessions_started);
    single(out,
           "heregoes_sessions_resumed_total",
           "counter",
           "Sessions resumed with a token.",
           sessions_resumed);
    single(out,
           "heregoes_sessions_forgotten_total",
           "counter",
           "Sessions erased at the person's request.",
           sessions_forgotten);
    single(out,
           "heregoes_sessions_purged_total",
           "counter",
           "Sessions erased after the idle TTL.",
           sessions_purged);
    single(out, "heregoes_turns_total", "counter", "Turns completed.", turns);
    single(out,
           "heregoes_crisis_routes_total",
           "counter",
           "Turns answered on the crisis path (check question or crisis resources).",
           crisis_routes);
    single(out,
           "heregoes_frames_replayed_total",
           "counter",
           "Bot frames re-sent on resume.",
           frames_replayed);
    single(
        out, "heregoes_http_requests_total", "counter", "HTTP requests answered.", http_requests);
    single(out,
           "heregoes_abuse_closes_total",
           "counter",
           "Connections closed for repeated bad or excessive frames.",
           abuse_closes);
    single(out,
           "heregoes_store_failures_total",
           "counter",
           "Store operations that failed.",
           store_failures);
    single(out,
           "heregoes_dialog_reloads_total",
           "counter",
           "Dialog reloads (SIGHUP) that loaded.",
           dialog_reloads);
    single(out,
           "heregoes_dialog_reload_failures_total",
           "counter",
           "Dialog reloads that kept the previous dialogs.",
           dialog_reload_failures);
    header(out,
           "heregoes_log_lines_dropped_total",
           "counter",
           "Log lines dropped because the log's descriptor fell behind.");
    out += "heregoes_log_lines_dropped_total " + std::to_string(log_lines_dropped) + "\n";
    header(out, "heregoes_errors_total", "counter", "Protocol error frames sent, by code.");
    for (std::size_t i = 0; i < web::protocol_error_count; ++i) {
        out += "heregoes_errors_total{code=\"" +
               std::string(to_string(static_cast<web::protocol_error>(i))) + "\"} " +
               std::to_string(errors[i].load(std::memory_order_relaxed)) + "\n";
    }
    header(out,
           "heregoes_turn_latency_seconds",
           "histogram",
           "From a frame read to its reply handed to the socket, store commit included.");
    turn_latency.render(out, "heregoes_turn_latency_seconds", "");
    header(out,
           "heregoes_store_latency_seconds",
           "histogram",
           "From a store call to its completion, by operation.");
    store_save.render(out, "heregoes_store_latency_seconds", "op=\"save\"");
    store_load.render(out, "heregoes_store_latency_seconds", "op=\"load\"");
    return out;
}

} // namespace heregoes::server
