// The shared per-address table. Each call takes exactly one shard lock for a few instructions and
// never calls out while holding it.

#include "engine/server/client_registry.hpp"

#include <functional>
#include <string_view>

namespace heregoes::server {

client_registry::client_registry(limits l)
    : limits_(l) {
}

std::size_t client_registry::address_hash::operator()(const boost::asio::ip::address& a) const {
    if (a.is_v4()) {
        return std::hash<std::uint32_t>{}(a.to_v4().to_uint());
    }
    const auto bytes = a.to_v6().to_bytes();
    return std::hash<std::string_view>{}(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

client_registry::shard& client_registry::shard_of(const boost::asio::ip::address& a) {
    return shards_[address_hash{}(a) % shard_count];
}

client_registry::entry& client_registry::entry_of(shard& s, const boost::asio::ip::address& a) {
    auto it = s.entries.find(a);
    if (it == s.entries.end()) {
        it = s.entries
                 .emplace(a,
                          entry{0,
                                token_bucket(limits_.rate_per_second,
                                             limits_.burst,
                                             token_bucket::clock::now())})
                 .first;
    }
    return it->second;
}

bool client_registry::try_connect(const boost::asio::ip::address& a) {
    auto& s = shard_of(a);
    std::lock_guard lock(s.mutex);
    auto& e = entry_of(s, a);
    if (e.connections >= limits_.max_connections_per_ip) {
        return false;
    }
    ++e.connections;
    return true;
}

void client_registry::disconnect(const boost::asio::ip::address& a) {
    auto& s = shard_of(a);
    std::lock_guard lock(s.mutex);
    auto it = s.entries.find(a);
    if (it != s.entries.end() && it->second.connections > 0) {
        --it->second.connections;
    }
}

bool client_registry::try_frame(const boost::asio::ip::address& a,
                                token_bucket::clock::time_point now) {
    auto& s = shard_of(a);
    std::lock_guard lock(s.mutex);
    return entry_of(s, a).bucket.try_take(now);
}

std::size_t client_registry::sweep(token_bucket::clock::time_point now) {
    std::size_t kept = 0;
    for (auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        for (auto it = s.entries.begin(); it != s.entries.end();) {
            if (it->second.connections == 0 && it->second.bucket.full(now)) {
                it = s.entries.erase(it);
            } else {
                ++it;
            }
        }
        kept += s.entries.size();
    }
    return kept;
}

} // namespace heregoes::server
