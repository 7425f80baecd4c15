#pragma once

// Per-address bookkeeping shared by every network thread: how many connections each client
// address holds, and its frame-rate bucket. Sharded by address so threads rarely contend; an
// entry lives while the address has connections or a bucket that is not yet full, and sweep()
// drops the rest so the table does not grow with every address ever seen.

#include "engine/server/token_bucket.hpp"

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace heregoes::server {

class client_registry {
public:
    struct limits {
        std::uint64_t max_connections_per_ip = 32;
        double rate_per_second = 20;
        double burst = 60;
    };

    explicit client_registry(limits l);

    // Counts a new connection from `a`; false (and nothing counted) when `a` is at its limit.
    bool try_connect(const boost::asio::ip::address& a);

    // Releases a connection counted by try_connect.
    void disconnect(const boost::asio::ip::address& a);

    // Takes one frame from `a`'s rate bucket; false when the address is over its rate.
    bool try_frame(const boost::asio::ip::address& a, token_bucket::clock::time_point now);

    // Forgets addresses with no connections and a full bucket; returns how many are still kept.
    std::size_t sweep(token_bucket::clock::time_point now);

private:
    // Enough shards that 2–64 network threads seldom meet on one lock.
    static constexpr std::size_t shard_count = 64;

    struct entry {
        std::uint64_t connections = 0;
        token_bucket bucket;
    };
    struct address_hash {
        std::size_t operator()(const boost::asio::ip::address& a) const;
    };
    struct shard {
        std::mutex mutex;
        std::unordered_map<boost::asio::ip::address, entry, address_hash> entries;
    };

    shard& shard_of(const boost::asio::ip::address& a);
    entry& entry_of(shard& s, const boost::asio::ip::address& a);

    limits limits_;
    std::array<shard, shard_count> shards_;
};

} // namespace heregoes::server
