// Benchmarks of the session stores and sealing. Saves/s is measured the way the server writes:
// W sessions each keep one save in flight (the next turn's save starts when the last completed),
// so W is the number of concurrent writers and group commit batches up to W saves per transaction.
// Each save carries a 256-byte sealed state and one 200-byte sealed turn of frames, about one
// real turn.

#include "engine/store/memory_store.hpp"
#include "engine/store/replay_pack.hpp"
#include "engine/store/sealing.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace heregoes::store {
namespace {

// Saves per benchmark iteration, split over the writers: enough to fill many batches at W=256.
constexpr int saves_per_iteration = 4096;

session_key bench_key(std::uint32_t n) {
    session_key key{};
    key[0] = 0xBE;
    key[28] = static_cast<std::uint8_t>(n >> 24);
    key[29] = static_cast<std::uint8_t>(n >> 16);
    key[30] = static_cast<std::uint8_t>(n >> 8);
    key[31] = static_cast<std::uint8_t>(n);
    return key;
}

// Runs `total` saves as `writers` chains and returns when all have completed.
void run_chains(session_store& store,
                std::vector<std::uint64_t>& versions,
                int writers,
                int total) {
    std::mutex m;
    std::condition_variable cv;
    int remaining = total;
    std::atomic<int> to_start{total};
    const std::string state(256, 's');
    const std::string frame(200, 'f');
    std::function<void(int)> issue = [&](int w) {
        if (to_start.fetch_sub(1) <= 0) {
            return;
        }
        session_write write;
        write.key = bench_key(static_cast<std::uint32_t>(w));
        write.expected_version = versions[static_cast<std::size_t>(w)];
        write.sealed_state = state;
        const auto seq = static_cast<std::uint32_t>(write.expected_version + 1);
        write.frames = turn_frames{seq, seq, frame};
        write.now_unix = 1000;
        store.save(std::move(write), [&, w](write_status status) {
            if (status == write_status::ok) {
                ++versions[static_cast<std::size_t>(w)];
            }
            issue(w);
            // Last touch of this frame's locals: the waiter cannot return before the unlock.
            std::lock_guard lock(m);
            --remaining;
            cv.notify_one();
        });
    };
    // Chain w touches versions[w] here once, then only in its completions, each ordered after the
    // save that queued it by the store's own queue lock.
    for (int w = 0; w < writers; ++w) {
        issue(w);
    }
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return remaining == 0; });
}

void saves_per_second(benchmark::State& state, std::unique_ptr<session_store> store) {
    const int writers = static_cast<int>(state.range(0));
    std::vector<std::uint64_t> versions(static_cast<std::size_t>(writers), 0);
    for (auto _ : state) {
        run_chains(*store, versions, writers, saves_per_iteration);
    }
    state.SetItemsProcessed(state.iterations() * saves_per_iteration);
}

void sqlite_saves(benchmark::State& state) {
    testing::temp_dir dir;
    sqlite_options options;
    options.path = dir.path() / "bench.db";
    options.synchronous = state.range(1) == 0 ? sqlite_sync::normal : sqlite_sync::full;
    auto store = open_sqlite_store(options);
    if (!store) {
        state.SkipWithError(store.error().to_string().c_str());
        return;
    }
    saves_per_second(state, std::move(*store));
}
BENCHMARK(sqlite_saves)
    ->ArgNames({"writers", "full_sync"})
    ->ArgsProduct({{1, 16, 256}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void memory_saves(benchmark::State& state) {
    saves_per_second(state, std::make_unique<memory_store>());
}
BENCHMARK(memory_saves)
    ->ArgName("writers")
    ->Arg(1)
    ->Arg(16)
    ->Arg(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void seal_and_open_256_bytes(benchmark::State& state) {
    auto sealer = *session_sealer::derive(*new_token());
    const std::string plaintext(256, 'p');
    for (auto _ : state) {
        auto sealed = sealer.seal(seal_purpose::state, plaintext);
        auto opened = sealer.open(seal_purpose::state, *sealed);
        benchmark::DoNotOptimize(opened);
    }
}
BENCHMARK(seal_and_open_256_bytes)->Unit(benchmark::kMicrosecond);

// One turn's seals: the state and three frames of about 500 bytes. Arg 0: each seal on its own
// (a fresh cipher context and key schedule every time); arg 1: one sealing_pass for the turn (a
// key schedule per purpose, reused), each frame sealed alone; arg 2: one pass, the frames packed
// and sealed as one blob, as the server does now.
void seal_one_turn(benchmark::State& state) {
    auto sealer = *session_sealer::derive(*new_token());
    const std::string session(120, 's');
    const std::string frame(500, 'f');
    const auto mode = state.range(0);
    for (auto _ : state) {
        if (mode == 2) {
            sealing_pass pass(sealer);
            benchmark::DoNotOptimize(pass.seal(seal_purpose::state, session));
            std::string pack;
            pack.reserve(3 * (record_header_bytes + frame.size()));
            for (std::uint32_t seq = 1; seq <= 3; ++seq) {
                append_record(pack, seq, frame);
            }
            benchmark::DoNotOptimize(pass.seal(seal_purpose::turn_frames, pack));
        } else if (mode == 1) {
            sealing_pass pass(sealer);
            benchmark::DoNotOptimize(pass.seal(seal_purpose::state, session));
            for (int i = 0; i < 3; ++i) {
                benchmark::DoNotOptimize(pass.seal(seal_purpose::frame, frame));
            }
        } else {
            benchmark::DoNotOptimize(sealer.seal(seal_purpose::state, session));
            for (int i = 0; i < 3; ++i) {
                benchmark::DoNotOptimize(sealer.seal(seal_purpose::frame, frame));
            }
        }
    }
}
BENCHMARK(seal_one_turn)->ArgName("mode")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

void derive_session_keys(benchmark::State& state) {
    auto token = *new_token();
    for (auto _ : state) {
        auto sealer = session_sealer::derive(token);
        benchmark::DoNotOptimize(sealer);
    }
}
BENCHMARK(derive_session_keys)->Unit(benchmark::kMicrosecond);

void new_token_and_hash(benchmark::State& state) {
    for (auto _ : state) {
        auto token = new_token();
        auto key = hash_token(*token);
        benchmark::DoNotOptimize(key);
    }
}
BENCHMARK(new_token_and_hash)->Unit(benchmark::kMicrosecond);

} // namespace
} // namespace heregoes::store
