#pragma once

// Starts a heregoes server in-process on an ephemeral loopback port for one test, with the
// fixture dialog, the repository's safety data and the fixture widget files, and captures its
// log lines so tests can inspect them.

#include "engine/server/server.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace heregoes::server::testing {

inline std::string fixture_path(const std::string& relative) {
    return std::string(HEREGOES_SERVER_FIXTURES) + "/" + relative;
}

// Defaults for tests: ephemeral port, two network threads, the in-memory store, fixtures.
inline server_config test_config() {
    server_config c;
    c.address = "127.0.0.1";
    c.port = 0;
    c.threads = 2;
    c.store = "memory";
    c.dialogs_dir = fixture_path("dialogs");
    c.default_dialog = "chat-test";
    c.safety_dir = std::string(HEREGOES_SOURCE_DIR) + "/dialogs/safety";
    c.widget_dir = fixture_path("widget");
    c.log_level = "debug";
    return c;
}

class test_server {
public:
    explicit test_server(server_config config = test_config())
        : log_(log_level::debug, [this](std::string_view line) {
            std::lock_guard lock(mutex_);
            lines_.emplace_back(line);
        }) {
        auto created = server::create(config, log_);
        if (!created) {
            ADD_FAILURE() << "server did not start: " << created.error().to_string();
            return;
        }
        server_ = std::move(*created);
        server_->start();
    }
    ~test_server() {
        if (server_) {
            server_->drain();
        }
    }

    bool ok() const { return server_ != nullptr; }
    std::uint16_t port() const { return server_->port(); }
    server& get() { return *server_; }

    std::vector<std::string> log_lines() {
        std::lock_guard lock(mutex_);
        return lines_;
    }

private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
    logger log_;
    std::unique_ptr<server> server_;
};

} // namespace heregoes::server::testing
