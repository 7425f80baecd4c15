// The background checkpoint thread of the SQLite store (sqlite_checkpointer.hpp).

#include "engine/store/sqlite_checkpointer.hpp"

#include <sqlite3.h>

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

namespace heregoes::store {

error checkpoint_failed(const std::string& path, const std::string& why) {
    return fail("store_failed",
                "copying the write-ahead log into the database file failed: " + why +
                    ". Nothing committed is lost: it stays in " + path +
                    "-wal, which grows until a copy succeeds. Check the disk that holds the store "
                    "(free space, the kernel log); the store tries again as the log grows",
                path);
}

expected<std::unique_ptr<sqlite_checkpointer>>
sqlite_checkpointer::start(const std::string& path,
                           int nice,
                           std::function<void(const error&)> on_error,
                           const char* vfs) {
    std::unique_ptr<sqlite_checkpointer> c(new sqlite_checkpointer());
    c->path_ = path;
    c->on_error_ = std::move(on_error);
    if (sqlite3_open_v2(path.c_str(), &c->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, vfs) !=
        SQLITE_OK) {
        std::string why = c->db_ != nullptr ? sqlite3_errmsg(c->db_) : "out of memory";
        sqlite3_close_v2(c->db_);
        c->db_ = nullptr;
        return fail("store_open", "cannot open the session store for checkpoints: " + why, path);
    }
    // A pass that meets the writer mid-commit waits briefly rather than failing outright.
    sqlite3_busy_timeout(c->db_, 100);
    // A connection learns the file is in WAL mode only when it first reads it; until then a
    // checkpoint call does nothing at all. Reading the schema once opens the log.
    if (sqlite3_exec(c->db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
        std::string why = sqlite3_errmsg(c->db_);
        return fail("store_open", "cannot read the session store for checkpoints: " + why, path);
    }
    c->thread_ = std::thread([raw = c.get(), nice] { raw->run(nice); });
    pthread_setname_np(c->thread_.native_handle(), "hg-checkpoint");
    return c;
}

sqlite_checkpointer::~sqlite_checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wanted_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    sqlite3_close_v2(db_);
}

void sqlite_checkpointer::request() {
    {
        std::lock_guard lock(mutex_);
        if (requested_) {
            return;
        }
        requested_ = true;
    }
    wanted_.notify_one();
}

void sqlite_checkpointer::run(int nice) {
    // Copying the log is background work, so it yields to the threads replies wait for (see
    // checkpointer_nice in sqlite_store.cpp). A failure to lower it changes only scheduling.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
    std::unique_lock lock(mutex_);
    for (;;) {
        wanted_.wait(lock, [this] { return stopping_ || requested_; });
        if (stopping_) {
            return;
        }
        requested_ = false;
        lock.unlock();
        const int rc =
            sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        // SQLITE_BUSY only means another checkpoint (the writer's, after an erase) was running.
        // Any other failure is reported once per pass; passes come only as the log grows (one
        // per checkpoint_after_frames), so a failing disk is not retried in a loop.
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && on_error_) {
            on_error_(checkpoint_failed(path_, sqlite3_errmsg(db_)));
        }
        lock.lock();
    }
}

} // namespace heregoes::store
