#pragma once

// A token bucket: the rate limit for frames per connection and per client address, and the
// budget of bad frames a connection may send before it is closed. It holds `burst` tokens,
// refills at `rate` per second, and an action costs one token. Not thread-safe by itself: a
// connection's bucket is touched only on its executor, an address's under its registry lock.

#include <algorithm>
#include <chrono>

namespace heregoes::server {

class token_bucket {
public:
    using clock = std::chrono::steady_clock;

    token_bucket(double rate_per_second, double burst, clock::time_point now)
        : rate_(rate_per_second)
        , burst_(burst)
        , tokens_(burst)
        , last_(now) {}

    // Takes one token if there is one; false means the action is over the limit.
    bool try_take(clock::time_point now) {
        refill(now);
        if (tokens_ < 1.0) {
            return false;
        }
        tokens_ -= 1.0;
        return true;
    }

    // True when the bucket is full again (nothing to remember about this client).
    bool full(clock::time_point now) {
        refill(now);
        return tokens_ >= burst_;
    }

private:
    void refill(clock::time_point now) {
        if (now > last_) {
            const std::chrono::duration<double> elapsed = now - last_;
            tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
            last_ = now;
        }
    }

    double rate_;
    double burst_;
    double tokens_;
    clock::time_point last_;
};

} // namespace heregoes::server
