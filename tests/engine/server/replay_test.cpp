// Integration tests of reconnect replay through the server: the bot frames after `last_seq` come
// back byte for byte as they were first sent, from the SQLite and the in-memory store alike, and a
// SQLite file whose replay rows an older build (schema 3) sealed frame by frame still replays.

#include "engine/store/replay_pack.hpp"
#include "engine/store/sealing.hpp"
#include "test_client.hpp"
#include "test_server.hpp"
#include "tests/engine/store/raw_db.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heregoes::server::testing {
namespace {

using store::testing::raw_db;

// Reads frames as text up to and including the one that ends a turn (see ws_client::read_turn).
std::vector<std::string> read_turn_text(ws_client& c) {
    std::vector<std::string> frames;
    while (auto text = c.read_text()) {
        frames.push_back(*text);
        auto f = json::parse(*text);
        if (f["type"] == "error" || (f["type"] == "bot" && f["await"] == true)) {
            break;
        }
    }
    return frames;
}

// A first visit: the session's token and every bot frame it was sent, as text, in order.
struct visit {
    std::string token;
    std::vector<std::string> bots;
};

// Starts a session and takes two turns; the session frame and bot frames are kept as sent.
visit first_visit(std::uint16_t port) {
    visit v;
    ws_client c(port);
    c.send(json{{"type", "start"}, {"dialog", "chat-test"}, {"locale", "en"}});
    auto frames = read_turn_text(c);
    c.send(json{{"type", "choice"}, {"id", "expect"}});
    for (auto& f : read_turn_text(c)) {
        frames.push_back(std::move(f));
    }
    c.send(json{{"type", "choice"}, {"id", "back"}});
    for (auto& f : read_turn_text(c)) {
        frames.push_back(std::move(f));
    }
    c.close();
    for (auto& f : frames) {
        auto parsed = json::parse(f);
        if (parsed["type"] == "session") {
            v.token = parsed["token"];
        } else if (parsed["type"] == "bot") {
            v.bots.push_back(std::move(f));
        }
    }
    return v;
}

// Resumes `token` after `last_seq` and returns the bot frames replayed, as text. Seqs start at 1,
// so `expected` frames follow the session frame.
std::vector<std::string> replayed(std::uint16_t port,
                                  const std::string& token,
                                  std::uint32_t last_seq,
                                  std::size_t expected) {
    ws_client c(port);
    c.send(json{{"type", "start"}, {"token", token}, {"last_seq", last_seq}});
    auto session = c.read();
    EXPECT_TRUE(session && (*session)["resumed"] == true);
    std::vector<std::string> frames;
    while (frames.size() < expected) {
        auto text = c.read_text();
        if (!text) {
            break;
        }
        frames.push_back(*text);
    }
    return frames;
}

server_config sqlite_config(const std::filesystem::path& db) {
    auto c = test_config();
    c.store = "sqlite";
    c.db_path = db.string();
    return c;
}

// Every bot frame after each last_seq comes back as the exact text first sent.
void expect_byte_for_byte_replay(std::uint16_t port) {
    const visit v = first_visit(port);
    ASSERT_FALSE(v.token.empty());
    ASSERT_GE(v.bots.size(), 3u) << "three turns of the fixture dialog";
    for (std::uint32_t last_seq = 0; last_seq <= v.bots.size(); ++last_seq) {
        const std::vector<std::string> want(v.bots.begin() + last_seq, v.bots.end());
        EXPECT_EQ(replayed(port, v.token, last_seq, want.size()), want) << "last_seq " << last_seq;
    }
}

TEST(server_replay, frames_replay_byte_for_byte_from_the_sqlite_store) {
    store::testing::temp_dir dir;
    test_server s(sqlite_config(dir.path() / "sessions.db"));
    ASSERT_TRUE(s.ok());
    expect_byte_for_byte_replay(s.port());
}

TEST(server_replay, frames_replay_byte_for_byte_from_the_memory_store) {
    test_server s;
    ASSERT_TRUE(s.ok());
    expect_byte_for_byte_replay(s.port());
}

// Turns the file's replay rows back into what a schema-3 build wrote: each turn's frames sealed one
// by one in a pack, no `form` column, user_version 3. Only a test holding the token can do this.
void rewrite_as_schema_3(const std::filesystem::path& db_path, const std::string& token) {
    const auto sealer = *store::session_sealer::derive(token);
    raw_db db(db_path);
    const auto rows = db.rows("SELECT id, last_seq, hex(frames) FROM replay WHERE form = 1");
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        std::string sealed;
        for (std::size_t i = 0; i + 1 < row[2].size(); i += 2) {
            sealed.push_back(static_cast<char>(std::stoi(row[2].substr(i, 2), nullptr, 16)));
        }
        auto plain = sealer.open(store::seal_purpose::turn_frames, sealed);
        ASSERT_TRUE(plain) << plain.error().to_string();
        std::vector<store::frame_record> frames;
        ASSERT_TRUE(store::unpack_frames(*plain, 0, frames));
        for (auto& f : frames) {
            f.bytes = *sealer.seal(store::seal_purpose::frame, f.bytes);
        }
        std::string pack;
        store::pack_frames(frames, pack);
        ASSERT_TRUE(db.run("UPDATE replay SET frames = ?1 WHERE id = ?2",
                           {pack, static_cast<std::int64_t>(std::stoll(row[0]))}));
    }
    ASSERT_EQ(store::testing::downgrade_to_schema_3(db), "");
}

TEST(server_replay, rows_an_older_build_sealed_frame_by_frame_replay_byte_for_byte) {
    store::testing::temp_dir dir;
    const auto db_path = dir.path() / "sessions.db";
    visit v;
    {
        test_server s(sqlite_config(db_path));
        ASSERT_TRUE(s.ok());
        v = first_visit(s.port());
    }
    ASSERT_FALSE(v.token.empty());
    rewrite_as_schema_3(db_path, v.token);
    if (::testing::Test::HasFatalFailure()) {
        return;
    }
    test_server s(sqlite_config(db_path));
    ASSERT_TRUE(s.ok());
    for (std::uint32_t last_seq : {0u, 1u, static_cast<std::uint32_t>(v.bots.size() - 1)}) {
        const std::vector<std::string> want(v.bots.begin() + last_seq, v.bots.end());
        EXPECT_EQ(replayed(s.port(), v.token, last_seq, want.size()), want)
            << "last_seq " << last_seq;
    }
    // A turn taken now is kept in the new form, and replays after the old rows.
    std::vector<std::string> bots = v.bots;
    {
        ws_client c(s.port());
        c.send(json{{"type", "start"}, {"token", v.token}, {"last_seq", bots.size()}});
        ASSERT_TRUE(c.read());
        c.send(json{{"type", "choice"}, {"id", "expect"}});
        for (auto& f : read_turn_text(c)) {
            ASSERT_EQ(json::parse(f)["type"], "bot") << f;
            bots.push_back(std::move(f));
        }
        c.close();
    }
    ASSERT_GT(bots.size(), v.bots.size());
    EXPECT_EQ(replayed(s.port(), v.token, 0, bots.size()), bots);
}

} // namespace
} // namespace heregoes::server::testing
