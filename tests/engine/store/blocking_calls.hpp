#pragma once

// Blocking forms of the session-store calls, for tests only: each issues the asynchronous call and
// waits for its completion, so a test reads top to bottom. The server never blocks like this.

#include "engine/store/session_store.hpp"

#include <future>
#include <string>
#include <vector>

namespace heregoes::store::testing {

inline write_status save_now(session_store& store, session_write write) {
    std::promise<write_status> p;
    store.save(std::move(write), [&p](write_status s) { p.set_value(s); });
    return p.get_future().get();
}

inline expected<std::optional<stored_session>> load_now(session_store& store,
                                                        const session_key& key) {
    std::promise<expected<std::optional<stored_session>>> p;
    store.load(key, [&p](expected<std::optional<stored_session>> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
}

inline expected<kept_replay>
frames_after_now(session_store& store, const session_key& key, std::uint32_t after) {
    std::promise<expected<kept_replay>> p;
    store.frames_after(key, after, [&p](expected<kept_replay> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
}

inline bool erase_now(session_store& store, const session_key& key) {
    std::promise<bool> p;
    store.erase(key, [&p](bool ok) { p.set_value(ok); });
    return p.get_future().get();
}

inline std::size_t
purge_now(session_store& store, std::int64_t cutoff, std::int64_t transcript_cutoff) {
    std::promise<std::size_t> p;
    store.purge(cutoff, transcript_cutoff, [&p](std::size_t n) { p.set_value(n); });
    return p.get_future().get();
}

// Works with any store that has a `transcript` call (both of ours do).
template <class store_type>
expected<std::vector<std::string>> transcript_now(store_type& store, const session_key& key) {
    std::promise<expected<std::vector<std::string>>> p;
    store.transcript(key,
                     [&p](expected<std::vector<std::string>> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
}

// A key made from a small number, for tests that need many distinct sessions.
inline session_key key_of(std::uint32_t n) {
    session_key key{};
    key[0] = 0xA5;
    key[28] = static_cast<std::uint8_t>(n >> 24);
    key[29] = static_cast<std::uint8_t>(n >> 16);
    key[30] = static_cast<std::uint8_t>(n >> 8);
    key[31] = static_cast<std::uint8_t>(n);
    return key;
}

// A write that creates (expected_version 0) or replaces a session's state.
inline session_write write_of(const session_key& key,
                              std::uint64_t expected_version,
                              std::string state,
                              std::int64_t now = 1000) {
    session_write w;
    w.key = key;
    w.expected_version = expected_version;
    w.sealed_state = std::move(state);
    w.now_unix = now;
    return w;
}

} // namespace heregoes::store::testing
