// Construction of the shared server state and the session tracker.

#include "engine/server/server_context.hpp"

namespace heregoes::server {

std::uint64_t session_tracker::add(std::weak_ptr<ws_session> session) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    sessions_.emplace(id, std::move(session));
    return id;
}

void session_tracker::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

std::vector<std::shared_ptr<ws_session>> session_tracker::snapshot() const {
    std::vector<std::shared_ptr<ws_session>> out;
    std::lock_guard lock(mutex_);
    out.reserve(sessions_.size());
    for (const auto& [id, weak] : sessions_) {
        if (auto s = weak.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::size_t session_tracker::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

server_context::server_context(const server_config& c,
                               logger& l,
                               metrics& m,
                               store::session_store& s)
    : config(c)
    , log(l)
    , stats(m)
    , store(s)
    , clients(client_registry::limits{
          c.max_connections_per_ip, c.ip_rate_per_second, static_cast<double>(c.ip_burst)})
    , origins(c.allowed_origins, c.allow_same_origin, c.allow_missing_origin)
    , proxies(c.trusted_proxies)
    , frame_limits{c.max_frame_bytes, c.max_text_chars} {
}

} // namespace heregoes::server
