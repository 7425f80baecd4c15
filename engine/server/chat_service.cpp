// The protocol state machine behind each connection. The rule that shapes it: nothing is sent
// until what it reports is durable. A new session is saved before its token goes out, a turn's
// state and frames are saved before the frames go out, and an erase completes before
// "forgotten" goes out; a store failure sends `internal` and changes nothing.

#include "engine/server/chat_service.hpp"

#include "adapters/web/server_frame.hpp"
#include "engine/dialog/dialog_set.hpp"
#include "engine/dialog/session_codec.hpp"
#include "engine/dialog/turn.hpp"
#include "engine/dialog/versioning.hpp"
#include "engine/store/replay_pack.hpp"
#include "engine/store/token.hpp"

#include <boost/asio/dispatch.hpp>

#include <chrono>
#include <cstring>

namespace heregoes::server {

namespace {

using web::protocol_error;

std::int64_t now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The session's variant seed: from the token's hash, so it is unpredictable to anyone without
// the token and fixed for the session's life.
std::uint64_t seed_of(const store::session_key& key) {
    std::uint64_t seed = 0;
    std::memcpy(&seed, key.data(), sizeof seed);
    return seed;
}

bool has_crisis(const std::vector<bot_message>& messages) {
    for (const auto& m : messages) {
        if ((m.flags & flag_crisis) != 0) {
            return true;
        }
    }
    return false;
}

std::string transcript_line(std::string_view from, std::string_view text) {
    std::string line = R"({"from":)";
    web::append_json_string(line, from);
    line += R"(,"text":)";
    web::append_json_string(line, text);
    line += "}";
    return line;
}

// The encoded bot frames of a turn and the write that stores them with the new state.
struct sealed_turn {
    std::vector<std::string> frames;
    store::session_write write;
};

expected<sealed_turn> seal_turn(const server_config& config,
                                const store::session_sealer& sealer,
                                std::uint64_t expected_version,
                                const dialog::session& next,
                                const std::vector<bot_message>& messages,
                                std::string_view person_text) {
    sealed_turn out;
    out.write.key = sealer.key();
    out.write.expected_version = expected_version;
    out.write.now_unix = now_unix();
    // One pass for the turn: each purpose's key schedule is set up once, not once per blob.
    store::sealing_pass pass(sealer);
    // The encoded state and the packed frames are only inputs to a seal, so they are built in
    // buffers that stay with the thread rather than in new strings every turn. Each is emptied
    // right after its seal: only the sealed copies leave.
    thread_local std::string encoded;
    dialog::encode_session(next, encoded);
    auto state = pass.seal(store::seal_purpose::state, encoded);
    encoded.clear();
    if (!state) {
        return state.error();
    }
    out.write.sealed_state = std::move(*state);
    if (config.transcripts && !person_text.empty()) {
        auto line =
            pass.seal(store::seal_purpose::transcript, transcript_line("person", person_text));
        if (!line) {
            return line.error();
        }
        out.write.sealed_transcript.push_back(std::move(*line));
    }
    out.frames.reserve(messages.size());
    std::size_t packed = 0;
    for (const auto& m : messages) {
        std::string frame;
        web::append_bot_frame(frame, m);
        packed += store::record_header_bytes + frame.size();
        if (config.transcripts) {
            auto line = pass.seal(store::seal_purpose::transcript, transcript_line("bot", m.text));
            if (!line) {
                return line.error();
            }
            out.write.sealed_transcript.push_back(std::move(*line));
        }
        out.frames.push_back(std::move(frame));
    }
    if (messages.empty()) {
        return out;
    }
    // The turn's frames are kept for replay as one blob: one seal, however many frames.
    thread_local std::string pack;
    pack.reserve(packed);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        store::append_record(pack, messages[i].seq, out.frames[i]);
    }
    auto sealed = pass.seal(store::seal_purpose::turn_frames, pack);
    pack.clear();
    if (!sealed) {
        return sealed.error();
    }
    out.write.frames =
        store::turn_frames{messages.front().seq, messages.back().seq, std::move(*sealed)};
    return out;
}

// Runs `fn` on `executor`: how store completions get back to a connection. A completion that
// already runs on the connection's thread (a batch handed over by run_completions) runs at once;
// posting it again cost a queued handler per turn. From a store thread it is posted. Stores never
// complete inside the call that queued the work, so this never re-enters a handler.
template <class Fn>
void run_on(const boost::asio::any_io_executor& executor, Fn&& fn) {
    boost::asio::dispatch(executor, std::forward<Fn>(fn));
}

} // namespace

void conversation::set(live_session s) {
    if (!live_) {
        stats_.sessions_active.fetch_add(1, std::memory_order_relaxed);
    }
    live_.emplace(std::move(s));
}

void conversation::clear() {
    if (live_) {
        stats_.sessions_active.fetch_sub(1, std::memory_order_relaxed);
        live_.reset();
    }
}

reply chat_service::error_reply(protocol_error code, std::string_view message) {
    ctx_.stats.count_error(code);
    reply r;
    r.frames.emplace_back();
    web::append_error_frame(
        r.frames.back(), code, message.empty() ? web::default_message(code) : message);
    return r;
}

void chat_service::handle(const web::client_frame& frame,
                          conversation& conv,
                          boost::asio::any_io_executor executor,
                          std::function<void(reply)> done) {
    switch (frame.kind) {
    case web::client_frame::kind::start:
        if (frame.token) {
            resume(frame, conv, std::move(executor), std::move(done));
        } else {
            start_new(frame, conv, std::move(executor), std::move(done));
        }
        return;
    case web::client_frame::kind::forget:
        forget(conv, {}, std::move(executor), std::move(done));
        return;
    case web::client_frame::kind::text:
    case web::client_frame::kind::choice:
    case web::client_frame::kind::restart:
        run_turn(frame, conv, std::move(executor), std::move(done));
        return;
    }
}

template <class settle_fn>
void chat_service::save_then_reply(store::session_write write,
                                   std::string_view op,
                                   boost::asio::any_io_executor executor,
                                   std::function<void(reply)> done,
                                   settle_fn settle) {
    const auto started = std::chrono::steady_clock::now();
    ctx_.store.save(
        std::move(write),
        [this, op, executor, done = std::move(done), settle = std::move(settle), started](
            store::write_status status) mutable {
            ctx_.stats.store_save.observe(std::chrono::steady_clock::now() - started);
            run_on(
                executor,
                [this, op, done = std::move(done), settle = std::move(settle), status]() mutable {
                    if (auto r = settle(status)) {
                        done(std::move(*r));
                        return;
                    }
                    ctx_.stats.store_failures.fetch_add(1, std::memory_order_relaxed);
                    ctx_.log.write(log_level::warn, "store_save_failed", {{"op", op}});
                    done(error_reply(protocol_error::internal));
                });
        });
}

void chat_service::start_new(const web::client_frame& frame,
                             conversation& conv,
                             boost::asio::any_io_executor executor,
                             std::function<void(reply)> done) {
    const auto set = ctx_.dialogs.load();
    const auto gate = ctx_.gate.load();
    const std::string& id = frame.dialog.empty() ? ctx_.config.default_dialog : frame.dialog;
    auto d = set->latest(id);
    if (!d) {
        done(error_reply(protocol_error::unknown_dialog));
        return;
    }
    const std::string& locale = frame.locale.empty() ? ctx_.config.default_locale : frame.locale;
    if (!d->has_locale(locale)) {
        done(error_reply(protocol_error::unknown_locale));
        return;
    }
    auto token = store::new_token();
    if (!token) {
        ctx_.log.write(log_level::error, "token_failed");
        done(error_reply(protocol_error::internal));
        return;
    }
    auto sealer = store::session_sealer::derive(*token);
    if (!sealer) {
        done(error_reply(protocol_error::internal));
        return;
    }
    dialog::session state = dialog::new_session(*d, locale, seed_of(sealer->key()));
    thread_local dialog::turn_output out;
    dialog::step(*d, *gate, state, dialog::input{dialog::input::kind::start, {}}, out);
    auto sealed = seal_turn(ctx_.config, *sealer, 0, state, out.messages, {});
    if (!sealed) {
        ctx_.log.write(log_level::error, "seal_failed", {{"code", sealed.error().code}});
        done(error_reply(protocol_error::internal));
        return;
    }
    const bool crisis = has_crisis(out.messages);
    live_session live{std::move(*token), std::move(*sealer), 1, std::move(state), std::move(d)};
    auto frames = std::move(sealed->frames);
    save_then_reply(
        std::move(sealed->write),
        "start",
        std::move(executor),
        std::move(done),
        [this, &conv, live = std::move(live), frames = std::move(frames), crisis](
            store::write_status status) mutable -> std::optional<reply> {
            if (status != store::write_status::ok) {
                return std::nullopt;
            }
            reply r;
            r.turn = true;
            r.frames.emplace_back();
            web::append_session_frame(
                r.frames.back(),
                {live.token, false, live.dialog->id(), live.dialog->version(), live.state.locale});
            for (auto& f : frames) {
                r.frames.push_back(std::move(f));
            }
            ctx_.stats.sessions_started.fetch_add(1, std::memory_order_relaxed);
            if (crisis) {
                ctx_.stats.crisis_routes.fetch_add(1, std::memory_order_relaxed);
            }
            conv.set(std::move(live));
            return r;
        });
}

void chat_service::resume(const web::client_frame& frame,
                          conversation& conv,
                          boost::asio::any_io_executor executor,
                          std::function<void(reply)> done) {
    if (!store::parse_token(*frame.token)) {
        done(error_reply(protocol_error::bad_token));
        return;
    }
    auto sealer = store::session_sealer::derive(*frame.token);
    if (!sealer) {
        done(error_reply(protocol_error::bad_token));
        return;
    }
    const auto key = sealer->key();
    const auto last_seq = frame.last_seq;
    const auto started = std::chrono::steady_clock::now();
    ctx_.store.load(
        key,
        [this,
         &conv,
         executor,
         done = std::move(done),
         token = *frame.token,
         sealer = std::move(*sealer),
         last_seq,
         key,
         started](expected<std::optional<store::stored_session>> loaded) mutable {
            ctx_.stats.store_load.observe(std::chrono::steady_clock::now() - started);
            if (!loaded) {
                ctx_.stats.store_failures.fetch_add(1, std::memory_order_relaxed);
                ctx_.log.write(
                    log_level::warn, "store_load_failed", {{"code", loaded.error().code}});
                run_on(executor, [this, done = std::move(done)]() mutable {
                    done(error_reply(protocol_error::internal));
                });
                return;
            }
            const auto ttl_seconds =
                static_cast<std::int64_t>(ctx_.config.session_ttl_days) * 24 * 60 * 60;
            if (!loaded->has_value() || (*loaded)->touched_unix < now_unix() - ttl_seconds) {
                if (loaded->has_value()) {
                    // Expired but not yet purged: erase it now, as the purge would.
                    ctx_.store.erase(key, [](bool) {});
                }
                run_on(executor, [this, done = std::move(done)]() mutable {
                    done(error_reply(protocol_error::bad_token));
                });
                return;
            }
            // Opening and decoding are CPU work (no disk); they run on the connection's thread.
            run_on(
                executor,
                [this,
                 &conv,
                 executor,
                 done = std::move(done),
                 token = std::move(token),
                 sealer = std::move(sealer),
                 stored = std::move(**loaded),
                 last_seq,
                 key]() mutable {
                    auto plain = sealer.open(store::seal_purpose::state, stored.sealed_state);
                    auto state = plain ? dialog::decode_session(*plain)
                                       : expected<dialog::session>(plain.error());
                    if (!state) {
                        ctx_.log.write(
                            log_level::warn, "session_unreadable", {{"code", state.error().code}});
                        done(error_reply(protocol_error::bad_token));
                        return;
                    }
                    const auto set = ctx_.dialogs.load();
                    auto d = dialog::upgrade(*set, *state);
                    if (!d) {
                        ctx_.log.write(log_level::warn, "session_dialog_gone");
                        done(error_reply(
                            protocol_error::bad_token,
                            "This conversation's dialog is no longer available. Start a "
                            "new session without a token."));
                        return;
                    }
                    live_session live{
                        std::move(token), sealer, stored.version, std::move(*state), std::move(d)};
                    ctx_.store.frames_after(
                        key,
                        last_seq,
                        [this, &conv, executor, done = std::move(done), live = std::move(live)](
                            expected<store::kept_replay> kept) mutable {
                            run_on(executor,
                                   [this,
                                    &conv,
                                    done = std::move(done),
                                    live = std::move(live),
                                    kept = std::move(kept)]() mutable {
                                       if (!kept) {
                                           ctx_.stats.store_failures.fetch_add(
                                               1, std::memory_order_relaxed);
                                           ctx_.log.write(log_level::warn,
                                                          "store_load_failed",
                                                          {{"code", kept.error().code}});
                                           done(error_reply(protocol_error::internal));
                                           return;
                                       }
                                       reply r;
                                       r.frames.emplace_back();
                                       web::append_session_frame(r.frames.back(),
                                                                 {live.token,
                                                                  true,
                                                                  live.dialog->id(),
                                                                  live.dialog->version(),
                                                                  live.state.locale});
                                       if (auto opened =
                                               store::open_replay(live.sealer, *kept, r.frames);
                                           !opened) {
                                           ctx_.log.write(log_level::warn,
                                                          "frame_unreadable",
                                                          {{"code", opened.error().code}});
                                           done(error_reply(protocol_error::internal));
                                           return;
                                       }
                                       ctx_.stats.frames_replayed.fetch_add(
                                           r.frames.size() - 1, std::memory_order_relaxed);
                                       ctx_.stats.sessions_resumed.fetch_add(
                                           1, std::memory_order_relaxed);
                                       conv.set(std::move(live));
                                       done(std::move(r));
                                   });
                        });
                });
        });
}

void chat_service::run_turn(const web::client_frame& frame,
                            conversation& conv,
                            boost::asio::any_io_executor executor,
                            std::function<void(reply)> done) {
    if (!conv.started()) {
        done(error_reply(protocol_error::not_started));
        return;
    }
    auto& live = conv.live();
    const auto gate = ctx_.gate.load();
    dialog::input in;
    std::string_view person_text;
    switch (frame.kind) {
    case web::client_frame::kind::text:
        in = {dialog::input::kind::text, frame.value};
        person_text = frame.value;
        break;
    case web::client_frame::kind::choice:
        in = {dialog::input::kind::choice, frame.value};
        break;
    default:
        in = {dialog::input::kind::restart, {}};
        break;
    }
    dialog::session next = live.state;
    thread_local dialog::turn_output out;
    const auto status = dialog::step(*live.dialog, *gate, next, in, out);
    if (status == dialog::turn_status::unknown_choice) {
        done(error_reply(protocol_error::unknown_choice));
        return;
    }
    if (status == dialog::turn_status::not_started) {
        done(error_reply(protocol_error::not_started));
        return;
    }
    const bool crisis = has_crisis(out.messages);
    if (crisis) {
        ctx_.stats.crisis_routes.fetch_add(1, std::memory_order_relaxed);
    }
    if (out.forget_requested) {
        // "Delete my data": the turn's own answer goes out with "forgotten", and nothing of it is
        // stored, since the session is being erased.
        std::vector<std::string> farewell;
        for (const auto& m : out.messages) {
            farewell.emplace_back();
            web::append_bot_frame(farewell.back(), m);
        }
        forget(conv, std::move(farewell), std::move(executor), std::move(done));
        return;
    }
    auto sealed =
        seal_turn(ctx_.config, live.sealer, live.version, next, out.messages, person_text);
    if (!sealed) {
        ctx_.log.write(log_level::error, "seal_failed", {{"code", sealed.error().code}});
        done(error_reply(protocol_error::internal));
        return;
    }
    auto frames = std::move(sealed->frames);
    save_then_reply(std::move(sealed->write),
                    "turn",
                    std::move(executor),
                    std::move(done),
                    [this, &conv, next = std::move(next), frames = std::move(frames)](
                        store::write_status status) mutable -> std::optional<reply> {
                        if (status == store::write_status::conflict) {
                            // Another connection (a second tab) moved this session on: this one's
                            // view is stale, and resuming shows the current state.
                            ctx_.log.write(log_level::info, "session_conflict");
                            conv.clear();
                            return error_reply(
                                protocol_error::internal,
                                "This conversation continued in another window. Reconnect "
                                "with your token to carry on from there.");
                        }
                        if (status != store::write_status::ok || !conv.started()) {
                            return std::nullopt;
                        }
                        auto& live = conv.live();
                        live.state = std::move(next);
                        ++live.version;
                        reply r;
                        r.turn = true;
                        r.frames = std::move(frames);
                        return r;
                    });
}

void chat_service::forget(conversation& conv,
                          std::vector<std::string> farewell,
                          boost::asio::any_io_executor executor,
                          std::function<void(reply)> done) {
    auto finish = [this](conversation& c, std::vector<std::string> frames) {
        c.clear();
        ctx_.stats.sessions_forgotten.fetch_add(1, std::memory_order_relaxed);
        reply r;
        r.frames = std::move(frames);
        r.frames.emplace_back();
        web::append_forgotten_frame(r.frames.back());
        r.close = true;
        return r;
    };
    if (!conv.started()) {
        done(finish(conv, std::move(farewell)));
        return;
    }
    ctx_.store.erase(
        conv.live().sealer.key(),
        [this, &conv, executor, done = std::move(done), farewell = std::move(farewell), finish](
            bool erased) mutable {
            run_on(executor,
                   [this,
                    &conv,
                    done = std::move(done),
                    farewell = std::move(farewell),
                    finish,
                    erased]() mutable {
                       if (!erased) {
                           ctx_.stats.store_failures.fetch_add(1, std::memory_order_relaxed);
                           ctx_.log.write(log_level::warn, "store_erase_failed");
                           done(error_reply(protocol_error::internal,
                                            "Your data could not be erased just now. "
                                            "Please try again."));
                           return;
                       }
                       done(finish(conv, std::move(farewell)));
                   });
        });
}

} // namespace heregoes::server
