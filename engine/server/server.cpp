// Building, running, reloading and draining the server. Loading happens before any thread
// starts, so a server that fails to load never accepts a connection; reload builds complete new
// values off the network threads and publishes them with one atomic store each.

#include "engine/server/server.hpp"

#include "engine/dialog/dialog_set.hpp"
#include "engine/safety/screening_gate.hpp"
#include "engine/server/deployment_values.hpp"
#include "engine/server/ws_session.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <future>
#include <string>

#include <pthread.h>

namespace heregoes::server {

namespace net = boost::asio;

namespace {

safety::civil_date today() {
    const auto days = std::chrono::duration_cast<std::chrono::days>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    return safety::civil_date{}.plus_days(days);
}

expected<std::shared_ptr<const dialog::dialog_set>> load_dialogs(const server_config& config,
                                                                 logger& log) {
    auto options = deployment_values(config);
    if (!options) {
        return options.error();
    }
    auto result = dialog::dialog_set::load_directory(config.dialogs_dir, *options);
    for (const auto& d : result.diagnostics) {
        // Diagnostics describe dialog files written by the deployment, never what people type.
        log.write(log_level::warn,
                  "dialog_problem",
                  {{"code", d.code}, {"where", d.where}, {"message", d.message}});
    }
    if (!result.set || result.set->size() == 0) {
        return fail("no_dialogs",
                    "no dialog loaded; check the folder and the problems logged above.",
                    config.dialogs_dir);
    }
    if (!result.set->latest(config.default_dialog)) {
        return fail("no_default_dialog",
                    "the default dialog \"" + config.default_dialog +
                        "\" is not among the loaded dialogs; fix it or set default_dialog.",
                    config.dialogs_dir);
    }
    return result.set;
}

expected<std::shared_ptr<const safety::gate>> load_safety(const server_config& config) {
    safety::gate_options options;
    options.data_dir =
        config.safety_dir.empty() ? config.dialogs_dir + "/safety" : config.safety_dir;
    options.resources_file = config.safety_resources_file;
    options.region = config.safety_region;
    const auto read = config.practice.find("chat_is_read");
    options.chat_is_read = read != config.practice.end() && read->second == "yes";
    options.quick_exit = true;
    options.allow_expired_resources = config.allow_expired_resources;
    options.today = today();
    auto gate = safety::load_gate(options);
    if (!gate) {
        return gate.error();
    }
    return std::shared_ptr<const safety::gate>(std::move(*gate));
}

// Opens the configured store. Save completions are posted to `completions` one batch at a time
// (a commit for SQLite, what the worker found queued for memory); drain() flushes the store
// before that context goes, and nothing writes after it.
expected<std::unique_ptr<store::session_store>> open_store(const server_config& config,
                                                           net::io_context& completions) {
    auto post_batch = [&completions](std::function<void()> batch) {
        net::post(completions, std::move(batch));
    };
    if (config.store == "memory") {
        store::memory_options options;
        options.run_completions = post_batch;
        return std::unique_ptr<store::session_store>(
            std::make_unique<store::memory_store>(std::move(options)));
    }
    store::sqlite_options options;
    options.run_completions = post_batch;
    options.path = config.db_path;
    options.synchronous =
        config.db_sync == "full" ? store::sqlite_sync::full : store::sqlite_sync::normal;
    auto opened = store::open_sqlite_store(options);
    if (!opened) {
        return opened.error();
    }
    return std::unique_ptr<store::session_store>(std::move(*opened));
}

} // namespace

server::server(const server_config& config, logger& log)
    : config_(config)
    , log_(log) {
}

expected<std::unique_ptr<server>> server::create(const server_config& config, logger& log) {
    std::unique_ptr<server> s(new server(config, log));
    auto dialogs = load_dialogs(config, log);
    if (!dialogs) {
        return dialogs.error();
    }
    auto gate = load_safety(config);
    if (!gate) {
        return gate.error();
    }
    auto site = static_site::load(config.widget_dir);
    if (!site) {
        return site.error();
    }
    if ((*site)->size() == 0) {
        log.write(log_level::warn, "widget_missing", {{"dir", config.widget_dir}});
    }
    std::size_t threads = config.threads;
    if (threads == 0) {
        threads = std::max(1u, std::thread::hardware_concurrency());
    }
    std::vector<net::io_context*> workers;
    for (std::size_t i = 0; i < threads; ++i) {
        // One thread per context: the hint lets Asio skip locking it does not need.
        s->contexts_.push_back(std::make_unique<net::io_context>(1));
        workers.push_back(s->contexts_.back().get());
    }
    auto opened = open_store(config, *s->contexts_.front());
    if (!opened) {
        return opened.error();
    }
    s->store_ = std::move(*opened);
    s->ctx_ = std::make_unique<server_context>(config, log, s->stats_, *s->store_);
    s->ctx_->dialogs.store(std::move(*dialogs));
    s->ctx_->gate.store(std::move(*gate));
    s->ctx_->site.store(std::move(*site));
    s->chat_ = std::make_unique<chat_service>(*s->ctx_);

    auto l = listener::open(*s->contexts_.front(), workers, *s->ctx_, *s->chat_);
    if (!l) {
        return l.error();
    }
    s->listener_ = std::move(*l);
    s->port_ = s->listener_->port();
    s->housekeeping_ = std::make_unique<net::steady_timer>(*s->contexts_.front());
    return s;
}

server::~server() {
    drain();
}

std::uint16_t server::port() const noexcept {
    return port_;
}

void server::start() {
    if (running_) {
        return;
    }
    running_ = true;
    for (auto& c : contexts_) {
        guards_.push_back(net::make_work_guard(*c));
    }
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        threads_.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
        // Named so a stack snapshot or `top -H` tells the network threads from the store's.
        const auto name = "hg-net-" + std::to_string(i);
        pthread_setname_np(threads_.back().native_handle(), name.c_str());
    }
    listener_->run();
    next_purge_ = std::chrono::steady_clock::now();
    net::post(*contexts_.front(), [this] { arm_housekeeping(); });
    log_.write(log_level::info,
               "listening",
               {{"address", config_.address},
                {"port", static_cast<std::uint64_t>(port())},
                {"threads", static_cast<std::uint64_t>(contexts_.size())},
                {"store", config_.store},
                {"transcripts", config_.transcripts}});
}

void server::arm_housekeeping() {
    housekeeping_->expires_after(housekeeping_period);
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_purge_) {
        next_purge_ = now + std::chrono::seconds(config_.purge_interval_seconds);
        const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
        const std::int64_t day = 24 * 60 * 60;
        store_->purge(unix_now - static_cast<std::int64_t>(config_.session_ttl_days) * day,
                      unix_now - static_cast<std::int64_t>(config_.transcript_retention_days) * day,
                      [this](std::size_t erased) {
                          stats_.sessions_purged.fetch_add(erased, std::memory_order_relaxed);
                          if (erased > 0) {
                              log_.write(log_level::info,
                                         "sessions_purged",
                                         {{"count", static_cast<std::uint64_t>(erased)}});
                          }
                      });
    }
    ctx_->clients.sweep(token_bucket::clock::now());
    housekeeping_->async_wait([this](boost::system::error_code ec) {
        if (!ec) {
            arm_housekeeping();
        }
    });
}

expected<void> server::reload() {
    auto reloaded = load_dialogs(config_, log_);
    if (!reloaded) {
        stats_.dialog_reload_failures.fetch_add(1, std::memory_order_relaxed);
        log_.write(log_level::error,
                   "reload_failed",
                   {{"code", reloaded.error().code}, {"message", reloaded.error().to_string()}});
        return reloaded.error();
    }
    auto gate = load_safety(config_);
    if (!gate) {
        stats_.dialog_reload_failures.fetch_add(1, std::memory_order_relaxed);
        log_.write(log_level::error,
                   "reload_failed",
                   {{"code", gate.error().code}, {"message", gate.error().to_string()}});
        return gate.error();
    }
    auto site = static_site::load(config_.widget_dir);
    if (!site) {
        stats_.dialog_reload_failures.fetch_add(1, std::memory_order_relaxed);
        log_.write(log_level::error,
                   "reload_failed",
                   {{"code", site.error().code}, {"message", site.error().to_string()}});
        return site.error();
    }
    // Every version loaded so far stays, so a session on an old version carries on there when
    // it cannot migrate (dialog/versioning.hpp).
    auto merged = ctx_->dialogs.load()->merged_with(**reloaded);
    const auto versions = merged->size();
    ctx_->dialogs.store(std::move(merged));
    ctx_->gate.store(std::move(*gate));
    ctx_->site.store(std::move(*site));
    stats_.dialog_reloads.fetch_add(1, std::memory_order_relaxed);
    log_.write(
        log_level::info, "reloaded", {{"dialog_versions", static_cast<std::uint64_t>(versions)}});
    return {};
}

void server::drain() {
    if (drained_) {
        return;
    }
    drained_ = true;
    if (!running_) {
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + std::chrono::milliseconds(config_.drain_timeout_ms);
    ctx_->draining.store(true);
    listener_->stop();
    for (auto& s : ctx_->sessions.snapshot()) {
        s->drain();
    }
    while (ctx_->sessions.size() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto left = ctx_->sessions.size();
    net::post(*contexts_.front(), [this] { housekeeping_->cancel(); });
    guards_.clear();
    for (auto& c : contexts_) {
        c->stop();
    }
    for (auto& t : threads_) {
        t.join();
    }
    threads_.clear();
    // No network thread runs now, so nothing new reaches the store: every save a finished turn
    // made is queued or done, and this makes all of them durable. Completions that post back to
    // the stopped contexts are destroyed with them.
    store_->flush();
    // Closing every socket still open (by destroying the contexts that own them) tells clients
    // the connection is over even when this object lives on, as it does in tests.
    housekeeping_.reset();
    listener_.reset();
    contexts_.clear();
    log_.write(log_level::info,
               "drained",
               {{"connections_cut", static_cast<std::uint64_t>(left)},
                {"ms",
                 static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - started)
                                                .count())}});
}

} // namespace heregoes::server
