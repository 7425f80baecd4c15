// Tests that need the server as a separate process: kill -9 and restart on the same SQLite file,
// SIGTERM drain, SIGHUP reload, and the privacy marker test that inspects every log line, the
// metrics and every byte of the store files. The server binary is the `serve` subcommand
// (serve_main.cpp); its port is read from its "listening" log line.

#include "test_client.hpp"
#include "test_server.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace heregoes::server::testing {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class server_process {
public:
    server_process(const fs::path& dir, std::vector<std::string> extra = {})
        : log_(dir / ("server-" + std::to_string(++count_) + ".log")) {
        std::vector<std::string> args = {
            HEREGOES_SERVE_BINARY,
            "--port",
            "0",
            "--threads",
            "2",
            "--store",
            "sqlite",
            "--db-path",
            (dir / "heregoes.db").string(),
            "--dialogs-dir",
            fixture_path("dialogs"),
            "--default-dialog",
            "chat-test",
            "--safety-dir",
            std::string(HEREGOES_SOURCE_DIR) + "/dialogs/safety",
            "--widget-dir",
            fixture_path("widget"),
            "--log-level",
            "debug",
        };
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(fd, STDERR_FILENO);
            ::dup2(fd, STDOUT_FILENO);
            std::vector<char*> argv;
            for (auto& a : args) {
                argv.push_back(a.data());
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        const std::regex listening(R"("event":"listening".*"port":([0-9]+))");
        for (int i = 0; i < 500 && port_ == 0; ++i) {
            std::smatch m;
            const auto text = read_all(log_);
            if (std::regex_search(text, m, listening)) {
                port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ~server_process() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    std::uint16_t port() const { return port_; }
    std::string log() const { return read_all(log_); }
    void signal(int sig) { ::kill(pid_, sig); }

    // Waits for the process to exit; its exit status, or -1 on a signal or timeout.
    int wait_exit(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return -1;
    }

    void kill9() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        exited_ = true;
    }

private:
    static inline int count_ = 0;
    fs::path log_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    bool exited_ = false;
};

fs::path fresh_dir(const std::string& name) {
    const auto dir =
        fs::temp_directory_path() / ("heregoes-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(server_process, resume_after_kill_9_and_restart_on_the_same_file) {
    const auto dir = fresh_dir("kill9");
    std::string token;
    std::vector<json> seen;
    {
        server_process p(dir);
        ASSERT_NE(p.port(), 0) << p.log();
        ws_client c(p.port());
        auto first = c.start();
        token = first.at(0)["token"];
        for (auto& f : bots_of(first)) {
            seen.push_back(f);
        }
        for (auto& f : bots_of(c.choose("expect"))) {
            seen.push_back(f);
        }
        // The reply was sent, so the turn is durable: kill the server without warning.
        p.kill9();
    }
    server_process p(dir);
    ASSERT_NE(p.port(), 0) << p.log();
    ws_client c(p.port());
    c.send(json{{"type", "start"}, {"token", token}, {"last_seq", 1}});
    auto frames = c.read_n(seen.size());
    ASSERT_EQ(frames.at(0)["resumed"], true) << frames.at(0).dump();
    auto replayed = bots_of(frames);
    ASSERT_EQ(replayed.size(), seen.size() - 1);
    for (std::size_t i = 0; i < replayed.size(); ++i) {
        EXPECT_EQ(replayed[i], seen[i + 1]);
    }
    auto next = c.choose("back");
    EXPECT_EQ(error_code_of(next), "");
    EXPECT_EQ(bots_of(next).at(0)["seq"], seen.back()["seq"].get<int>() + 1);
    fs::remove_all(dir);
}

TEST(server_process, sigterm_drains_and_exits_zero) {
    const auto dir = fresh_dir("sigterm");
    server_process p(dir);
    ASSERT_NE(p.port(), 0) << p.log();
    ws_client c(p.port());
    c.start();
    c.send(json{{"type", "choice"}, {"id", "expect"}});
    p.signal(SIGTERM);
    // The turn already sent is finished and answered before the close.
    auto frames = c.read_turn();
    EXPECT_EQ(error_code_of(frames), "");
    EXPECT_FALSE(c.read().has_value());
    EXPECT_EQ(c.close_code(), websocket::close_code::going_away);
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(8)), 0) << p.log();
    EXPECT_NE(p.log().find("\"event\":\"drained\""), std::string::npos);
    fs::remove_all(dir);
}

TEST(server_process, sighup_reloads_while_sessions_continue) {
    const auto dir = fresh_dir("sighup");
    server_process p(dir);
    ASSERT_NE(p.port(), 0) << p.log();
    ws_client c(p.port());
    c.start();
    p.signal(SIGHUP);
    for (int i = 0; i < 200 && p.log().find("\"event\":\"reloaded\"") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_NE(p.log().find("\"event\":\"reloaded\""), std::string::npos) << p.log();
    EXPECT_EQ(error_code_of(c.choose("expect")), "");
    ws_client d(p.port());
    EXPECT_EQ(d.start().at(0)["type"], "session");
    fs::remove_all(dir);
}

// A string no server ever produces on its own: if it shows up anywhere, it came from the input.
const std::string marker = "zqxmarker7731";

void expect_no_marker_in_store(const fs::path& dir, const std::string& when) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const auto file = dir / (std::string("heregoes.db") + suffix);
        if (fs::exists(file)) {
            EXPECT_EQ(read_all(file).find(marker), std::string::npos)
                << file << " holds the marker " << when;
        }
    }
}

TEST(server_process, a_marker_sent_through_every_path_is_never_logged_counted_or_stored) {
    const auto dir = fresh_dir("privacy");
    server_process p(dir, {"--connection-burst", "1000"});
    ASSERT_NE(p.port(), 0) << p.log();
    {
        ws_client c(p.port());
        c.start();
        // Free text the dialog does not understand.
        c.say("hello " + marker);
        // Rehearsal capture: a sensitive variable, echoed in a bot message kept for replay.
        c.choose("rehearse");
        auto card = c.say("Talking about this is hard " + marker);
        bool echoed = false;
        for (const auto& f : card) {
            echoed = echoed || f.dump().find(marker) != std::string::npos;
        }
        EXPECT_TRUE(echoed) << "the capture path was not exercised";
        // Crisis text.
        c.say("I want to kill myself " + marker);
        // Errors carrying the marker in every field a client controls.
        c.send(json{{"type", "choice"}, {"id", marker}});
        c.read_turn();
        c.send(std::string("{") + marker);
        c.read_turn();
        c.send(json{{"type", marker}});
        c.read_turn();
        c.send(json{{"type", "text"}, {"text", std::string(1200, 'x') + marker}});
        c.read_turn();
    }
    {
        ws_client c(p.port());
        c.send(json{{"type", "start"}, {"dialog", marker}});
        c.read_turn();
        c.send(json{{"type", "start"}, {"locale", marker}});
        c.read_turn();
        c.send(json{{"type", "start"}, {"token", marker}});
        c.read_turn();
    }
    try {
        ws_client c(p.port(), "https://" + marker + ".example");
    } catch (const beast::system_error&) {
    }
    http_get(p.port(), "/" + marker);
    const auto metrics = http_get(p.port(), "/metrics").body;
    EXPECT_EQ(metrics.find(marker), std::string::npos);
    EXPECT_NE(metrics.find("heregoes_crisis_routes_total 1"), std::string::npos) << metrics;
    expect_no_marker_in_store(dir, "while running");
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(8)), 0);
    const auto log = p.log();
    EXPECT_EQ(log.find(marker), std::string::npos) << log;
    EXPECT_FALSE(log.empty());
    expect_no_marker_in_store(dir, "after shutdown");
    fs::remove_all(dir);
}

// Rows in the store's transcripts table, read after the server has exited.
long transcript_rows(const fs::path& db) {
    sqlite3* handle = nullptr;
    long rows = -1;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(handle, "SELECT count(*) FROM transcripts", -1, &stmt, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            rows = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(handle);
    return rows;
}

// One short conversation with typed text carrying the marker, then a clean shutdown.
void converse_and_stop(server_process& p) {
    {
        ws_client c(p.port());
        c.start();
        c.say("hello " + marker);
    }
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(8)), 0);
}

TEST(server_process, without_the_opt_in_no_transcript_line_is_kept) {
    const auto dir = fresh_dir("no-transcripts");
    server_process p(dir);
    ASSERT_NE(p.port(), 0) << p.log();
    converse_and_stop(p);
    EXPECT_EQ(transcript_rows(dir / "heregoes.db"), 0);
    fs::remove_all(dir);
}

TEST(server_process, opted_in_transcripts_are_kept_sealed) {
    const auto dir = fresh_dir("transcripts");
    server_process p(dir, {"--transcripts", "true", "--transcript-retention-days", "7"});
    ASSERT_NE(p.port(), 0) << p.log();
    converse_and_stop(p);
    // The person's line and the bot's answers are kept, and none of it is readable in the file.
    EXPECT_GE(transcript_rows(dir / "heregoes.db"), 2);
    expect_no_marker_in_store(dir, "with transcripts on");
    EXPECT_EQ(p.log().find(marker), std::string::npos);
    fs::remove_all(dir);
}

TEST(server_process, bad_setting_exits_2_with_a_message) {
    const auto dir = fresh_dir("badflag");
    server_process p(dir, {"--max-frame-bytes", "ten"});
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(5)), 2);
    EXPECT_NE(p.log().find("max_frame_bytes must be a whole number"), std::string::npos) << p.log();
    fs::remove_all(dir);
}

} // namespace
} // namespace heregoes::server::testing
