// Integration tests of the chat server over real loopback sockets: the protocol, sessions and
// resume, every error code, the limits (origin, rates, connections, slowloris, frame size), the
// HTTP routes, reload with live sessions and many concurrent sessions. Each test starts its own
// server in-process on an ephemeral port.

#include "test_client.hpp"
#include "test_server.hpp"
#include "tests/engine/thread_names.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace heregoes::server::testing {
namespace {

// Checks the protocol's shape of one turn: bot frames with consecutive seqs from `first_seq`,
// and only the last awaiting input.
void expect_turn_shape(const std::vector<json>& bots, std::uint32_t first_seq) {
    ASSERT_FALSE(bots.empty());
    for (std::size_t i = 0; i < bots.size(); ++i) {
        EXPECT_EQ(bots[i]["type"], "bot");
        EXPECT_EQ(bots[i]["seq"], first_seq + i);
        EXPECT_EQ(bots[i]["await"], i + 1 == bots.size());
    }
}

// The server's end of a loopback connection, found among this process's descriptors (the test
// server runs in-process): the socket on `server_port` whose peer is the client's end.
std::optional<int> server_end_of(const net::ip::tcp::endpoint& client, std::uint16_t server_port) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        const int fd = std::stoi(entry.path().filename().string());
        sockaddr_in peer{};
        socklen_t length = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0 ||
            peer.sin_family != AF_INET || ntohs(peer.sin_port) != client.port()) {
            continue;
        }
        sockaddr_in local{};
        length = sizeof local;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
            ntohs(local.sin_port) == server_port) {
            return fd;
        }
    }
    return std::nullopt;
}

// The error code a new connection gets when it starts with `token`, or "" when the session
// resumes: how a test sees whether the session behind a token is still kept.
std::string error_starting_with(std::uint16_t port, const std::string& token) {
    ws_client again(port);
    again.send(json{{"type", "start"}, {"token", token}});
    return error_code_of(again.read_turn());
}

// A plain TCP connection to the server, for requests written by hand; its reads time out.
struct raw_connection {
    explicit raw_connection(std::uint16_t port) {
        socket.connect({net::ip::make_address("127.0.0.1"), port});
        set_read_timeout(socket, read_timeout_seconds);
    }

    net::io_context ioc;
    net::ip::tcp::socket socket{ioc};
};

// Stack snapshots and `top -H` show thread names; an operator must tell the network threads from
// the store's and the log's.
TEST(server_threads, the_network_threads_are_named_for_what_they_do) {
    test_server s;
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(heregoes::testing::has_thread_named("hg-net-0"))
        << "no network thread named hg-net-0";
}

TEST(server_session, start_sends_session_then_the_first_turn) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    auto frames = c.start();
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0]["type"], "session");
    EXPECT_EQ(frames[0]["resumed"], false);
    EXPECT_EQ(frames[0]["dialog"], "chat-test");
    EXPECT_EQ(frames[0]["version"], 1);
    EXPECT_EQ(frames[0]["locale"], "en");
    EXPECT_EQ(frames[0]["token"].get<std::string>().size(), 43u);
    expect_turn_shape(bots_of(frames), 1);
    EXPECT_EQ(frames[1]["topic"], "welcome");
}

TEST(server_session, start_without_dialog_uses_the_configured_default) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.send(json{{"type", "start"}});
    auto frames = c.read_turn();
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames[0]["dialog"], "chat-test");
}

TEST(server_session, full_walk_of_the_default_dialog_keeps_the_protocol) {
    // The shipped first-session dialog when it loads, else the fixture dialog.
    auto config = test_config();
    const auto shipped = std::string(HEREGOES_SOURCE_DIR) + "/dialogs";
    std::string dialog = "chat-test";
    if (std::filesystem::exists(shipped + "/first-session.json")) {
        auto probe = config;
        probe.dialogs_dir = shipped;
        probe.default_dialog = "first-session";
        logger quiet(log_level::error, [](std::string_view) {});
        if (server::create(probe, quiet)) {
            config = probe;
            dialog = "first-session";
        }
    }
    config.connection_burst = 1000;
    config.ip_burst = 1000;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    auto frames = c.start(dialog);
    ASSERT_EQ(frames.at(0)["type"], "session");
    std::set<std::string> pressed;
    std::uint32_t next_seq = 1;
    int turns = 0;
    bool ended = false;
    // Press every choice not pressed yet (first unpressed first); type text where there are none.
    while (turns < 150 && !ended) {
        auto bots = bots_of(frames);
        ASSERT_EQ(error_code_of(frames), "") << "turn " << turns;
        expect_turn_shape(bots, next_seq);
        next_seq += static_cast<std::uint32_t>(bots.size());
        const auto& last = bots.back();
        if (last["topic"] == "closing" && last["choices"].empty()) {
            ended = true;
            break;
        }
        std::string pick;
        for (const auto& choice : last["choices"]) {
            const std::string id = choice["id"];
            if (!pressed.contains(id) && !id.starts_with("safety.")) {
                pick = id;
                break;
            }
        }
        if (pick.empty() && !last["choices"].empty()) {
            pick = last["choices"][0]["id"];
        }
        frames = pick.empty() ? c.say("I'm a bit nervous about it") : c.choose(pick);
        pressed.insert(pick);
        ++turns;
    }
    EXPECT_GT(turns, 3);
    EXPECT_GT(pressed.size(), 3u);
}

TEST(server_session, resume_replays_missed_frames_once_in_order) {
    test_server s;
    ASSERT_TRUE(s.ok());
    std::string token;
    std::vector<json> seen;
    {
        ws_client c(s.port());
        auto first = c.start();
        token = first[0]["token"];
        auto second = c.choose("expect");
        for (auto& f : bots_of(first)) {
            seen.push_back(f);
        }
        for (auto& f : bots_of(second)) {
            seen.push_back(f);
        }
        c.close();
    }
    ASSERT_GE(seen.size(), 3u);
    const std::uint32_t last_seq = 2;
    ws_client again(s.port());
    again.send(json{{"type", "start"}, {"token", token}, {"last_seq", last_seq}});
    auto frames = again.read_n(1 + seen.size() - last_seq);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames[0]["type"], "session");
    EXPECT_EQ(frames[0]["resumed"], true);
    EXPECT_EQ(frames[0]["token"], token);
    auto replayed = bots_of(frames);
    ASSERT_EQ(replayed.size(), seen.size() - last_seq);
    for (std::size_t i = 0; i < replayed.size(); ++i) {
        EXPECT_EQ(replayed[i], seen[last_seq + i]);
    }
    // The dialog waits where it was: the expect state's choices work, and seqs carry on.
    auto next = again.choose("back");
    ASSERT_EQ(error_code_of(next), "");
    EXPECT_EQ(bots_of(next).at(0)["seq"], seen.back()["seq"].get<std::uint32_t>() + 1);
}

TEST(server_session, resume_with_everything_seen_replays_nothing) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    auto first = c.start();
    const std::string token = first[0]["token"];
    const auto last = bots_of(first).back()["seq"].get<std::uint32_t>();
    c.close();
    ws_client again(s.port());
    again.send(json{{"type", "start"}, {"token", token}, {"last_seq", last}});
    auto session = again.read();
    ASSERT_TRUE(session);
    EXPECT_EQ((*session)["resumed"], true);
    auto next = again.choose("expect");
    EXPECT_EQ(bots_of(next).at(0)["seq"], last + 1);
}

TEST(server_session, forget_erases_and_closes) {
    test_server s;
    ASSERT_TRUE(s.ok());
    std::string token;
    {
        ws_client c(s.port());
        token = c.start()[0]["token"];
        c.send(json{{"type", "forget"}});
        auto frames = c.read_turn();
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_EQ(frames[0]["type"], "forgotten");
        EXPECT_FALSE(c.read().has_value());
        EXPECT_EQ(c.close_code(), websocket::close_code::normal);
    }
    EXPECT_EQ(error_starting_with(s.port(), token), "bad_token");
}

TEST(server_session, typed_delete_my_data_erases_and_closes) {
    test_server s;
    ASSERT_TRUE(s.ok());
    std::string token;
    {
        ws_client c(s.port());
        token = c.start()[0]["token"];
        auto frames = c.say("please delete my data");
        if (!frames.empty() && frames.back()["type"] == "bot") {
            // The turn's own answer comes first, then "forgotten".
            auto more = c.read();
            ASSERT_TRUE(more.has_value());
            frames.push_back(*more);
        }
        ASSERT_FALSE(frames.empty());
        EXPECT_EQ(frames.back()["type"], "forgotten");
        EXPECT_FALSE(c.read().has_value());
    }
    EXPECT_EQ(error_starting_with(s.port(), token), "bad_token");
}

TEST(server_session, restart_begins_the_dialog_again) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.start();
    c.choose("expect");
    c.send(json{{"type", "restart"}});
    auto frames = c.read_turn();
    ASSERT_EQ(error_code_of(frames), "");
    EXPECT_EQ(bots_of(frames).at(0)["topic"], "welcome");
}

TEST(server_session, frames_sent_without_waiting_are_answered_in_order) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.start();
    // All three are on the wire before the first answer, so two wait in the connection's queue.
    c.send(json{{"type", "choice"}, {"id", "expect"}});
    c.send(json{{"type", "restart"}});
    c.send(json{{"type", "choice"}, {"id", "expect"}});
    auto first = bots_of(c.read_turn());
    auto second = bots_of(c.read_turn());
    auto third = bots_of(c.read_turn());
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    ASSERT_FALSE(third.empty());
    EXPECT_NE(first.at(0)["topic"], "welcome");
    EXPECT_EQ(second.at(0)["topic"], "welcome");
    EXPECT_EQ(third.at(0)["topic"], first.at(0)["topic"]);
}

TEST(server_session, a_message_split_over_several_frames_is_read_whole) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.send_fragmented(json{{"type", "start"}, {"dialog", "chat-test"}, {"locale", "en"}}.dump(), 5);
    auto frames = c.read_turn();
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0]["type"], "session");
    EXPECT_EQ(bots_of(frames).at(0)["topic"], "welcome");
}

TEST(server_session, two_windows_on_one_token_do_not_overwrite_each_other) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client a(s.port());
    const std::string token = a.start()[0]["token"];
    ws_client b(s.port());
    b.send(json{{"type", "start"}, {"token", token}, {"last_seq", 100}});
    auto resumed = b.read();
    ASSERT_TRUE(resumed.has_value());
    ASSERT_EQ((*resumed)["resumed"], true);
    ASSERT_EQ(error_code_of(a.choose("expect")), "");
    // b's view is one turn old: its turn conflicts and nothing is overwritten.
    EXPECT_EQ(error_code_of(b.choose("rehearse")), "internal");
    EXPECT_EQ(error_code_of(a.choose("back")), "");
}

// --- errors -------------------------------------------------------------------------------

struct error_case {
    const char* name;
    std::string frame;
    bool started;
    const char* code;
};

TEST(server_errors, every_error_code_and_the_connection_stays_usable) {
    test_server s;
    ASSERT_TRUE(s.ok());
    const std::vector<error_case> cases = {
        {"not json", "hello", false, "bad_json"},
        {"not an object", "[1]", false, "bad_json"},
        {"unknown type", R"({"type":"shout"})", false, "unknown_type"},
        {"no type", R"({"text":"hi"})", false, "unknown_type"},
        {"text without text", R"({"type":"text"})", true, "missing_field"},
        {"text before start", R"({"type":"text","text":"hi"})", false, "not_started"},
        {"choice before start", R"({"type":"choice","id":"expect"})", false, "not_started"},
        {"restart before start", R"({"type":"restart"})", false, "not_started"},
        {"unknown choice", R"({"type":"choice","id":"nope"})", true, "unknown_choice"},
        {"bad token", R"({"type":"start","token":"abc"})", false, "bad_token"},
        {"unknown token",
         R"({"type":"start","token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})",
         false,
         "bad_token"},
        {"unknown dialog", R"({"type":"start","dialog":"nope"})", false, "unknown_dialog"},
        {"unknown locale", R"({"type":"start","locale":"xx"})", false, "unknown_locale"},
        {"text too long",
         R"({"type":"text","text":")" + std::string(1001, 'a') + "\"}",
         true,
         "too_large"},
    };
    for (const auto& c : cases) {
        ws_client client(s.port());
        if (c.started) {
            client.start();
        }
        client.send(c.frame);
        auto frames = client.read_turn();
        ASSERT_EQ(frames.size(), 1u) << c.name;
        EXPECT_EQ(frames[0]["type"], "error") << c.name;
        EXPECT_EQ(frames[0]["code"], c.code) << c.name;
        EXPECT_FALSE(frames[0]["message"].get<std::string>().empty()) << c.name;
        // Still usable: a valid frame gets its normal answer.
        if (c.started) {
            EXPECT_EQ(error_code_of(client.choose("expect")), "") << c.name;
        } else {
            EXPECT_EQ(client.start().at(0)["type"], "session") << c.name;
        }
    }
    const auto metrics = http_get(s.port(), "/metrics").body;
    EXPECT_NE(metrics.find(R"(heregoes_errors_total{code="unknown_choice"} 1)"), std::string::npos);
}

TEST(server_errors, binary_frames_are_rejected) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.send_binary(R"({"type":"start"})");
    EXPECT_EQ(error_code_of(c.read_turn()), "bad_json");
    EXPECT_EQ(c.start().at(0)["type"], "session");
}

TEST(server_errors, oversized_frame_closes_with_1009) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.send(R"({"type":"text","text":")" + std::string(5000, 'a') + "\"}");
    EXPECT_FALSE(c.read().has_value());
    EXPECT_EQ(c.close_code(), websocket::close_code::too_big);
}

TEST(server_errors, invalid_utf8_closes_the_connection) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.send(std::string("{\"type\":\"text\",\"text\":\"\xff\xfe\"}"));
    EXPECT_FALSE(c.read().has_value());
    EXPECT_EQ(c.close_code(), websocket::close_code::bad_payload);
}

TEST(server_errors, a_stream_of_bad_frames_closes_with_1008) {
    auto config = test_config();
    config.abuse_strikes = 3;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    int errors = 0;
    for (int i = 0; i < 10; ++i) {
        c.send(std::string("garbage"));
    }
    while (auto f = c.read()) {
        errors += (*f)["type"] == "error" ? 1 : 0;
    }
    EXPECT_GE(errors, 3);
    EXPECT_LE(errors, 10);
    EXPECT_EQ(c.close_code(), websocket::close_code::policy_error);
}

// --- limits -------------------------------------------------------------------------------

TEST(server_limits, connection_rate_limit_answers_rate_limited) {
    auto config = test_config();
    config.connection_burst = 3;
    config.connection_rate_per_second = 0.01;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.start();
    c.choose("expect");
    c.choose("back");
    EXPECT_EQ(error_code_of(c.choose("expect")), "rate_limited");
}

TEST(server_limits, address_rate_limit_spans_connections) {
    auto config = test_config();
    config.ip_burst = 2;
    config.ip_rate_per_second = 0.01;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client a(s.port());
    ws_client b(s.port());
    EXPECT_EQ(a.start().at(0)["type"], "session");
    EXPECT_EQ(b.start().at(0)["type"], "session");
    EXPECT_EQ(error_code_of(a.start()), "rate_limited");
}

TEST(server_limits, connections_per_address_are_capped_with_429) {
    auto config = test_config();
    config.max_connections_per_ip = 2;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client a(s.port());
    ws_client b(s.port());
    try {
        ws_client c(s.port());
        ADD_FAILURE() << "third connection accepted";
    } catch (const beast::system_error& e) {
        EXPECT_EQ(e.code(), websocket::error::upgrade_declined);
    }
    a.close();
    // The slot is freed once the server has seen the close.
    for (int i = 0; i < 100; ++i) {
        try {
            ws_client d(s.port());
            return;
        } catch (const beast::system_error&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ADD_FAILURE() << "slot never freed";
}

TEST(server_limits, forwarded_for_counts_only_from_trusted_proxies) {
    auto config = test_config();
    config.max_connections_per_ip = 1;
    config.trusted_proxies = {"127.0.0.1"};
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client a(s.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.5"}});
    ws_client b(s.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.6"}});
    EXPECT_THROW(ws_client(s.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.5"}}),
                 beast::system_error);

    auto untrusted = test_config();
    untrusted.max_connections_per_ip = 1;
    test_server t(untrusted);
    ASSERT_TRUE(t.ok());
    ws_client c(t.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.5"}});
    EXPECT_THROW(ws_client(t.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.6"}}),
                 beast::system_error);
}

TEST(server_limits, each_connecting_address_is_counted_on_its_own) {
    auto config = test_config();
    config.max_connections_per_ip = 1;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client a(s.port(), std::nullopt, {}, "127.0.0.2");
    ws_client b(s.port(), std::nullopt, {}, "127.0.0.3");
    EXPECT_EQ(b.start().at(0)["type"], "session");
    EXPECT_THROW(ws_client(s.port(), std::nullopt, {}, "127.0.0.2"), beast::system_error);
}

TEST(server_limits, forwarded_for_is_read_only_from_the_connecting_trusted_proxy) {
    auto config = test_config();
    config.max_connections_per_ip = 1;
    config.trusted_proxies = {"127.0.0.2"};
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client proxied(s.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.5"}}, "127.0.0.2");
    ws_client direct(s.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.6"}}, "127.0.0.3");
    // From an untrusted address the header is ignored: this counts as 127.0.0.3 again.
    EXPECT_THROW(
        ws_client(s.port(), std::nullopt, {{"X-Forwarded-For", "203.0.113.7"}}, "127.0.0.3"),
        beast::system_error);
}

TEST(server_limits, slowloris_is_dropped_and_others_are_served) {
    auto config = test_config();
    config.handshake_timeout_ms = 300;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    raw_connection slow(s.port());
    net::write(slow.socket, net::buffer(std::string("GET /ws HTTP/1.1\r\nHost: x\r\n")));
    // Meanwhile a normal client is served.
    ws_client c(s.port());
    EXPECT_EQ(c.start().at(0)["type"], "session");
    // The slow one trickles another header line, then is cut off at the deadline.
    net::write(slow.socket, net::buffer(std::string("X-Slow: 1\r\n")));
    char byte = 0;
    beast::error_code ec;
    const auto started = std::chrono::steady_clock::now();
    slow.socket.read_some(net::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    EXPECT_LT(std::chrono::steady_clock::now() - started,
              std::chrono::seconds(read_timeout_seconds));
}

TEST(server_limits, idle_connection_is_closed) {
    auto config = test_config();
    config.idle_timeout_seconds = 1;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.start();
    EXPECT_FALSE(c.read().has_value());
    EXPECT_EQ(c.close_code(), websocket::close_code::going_away);
}

// --- origins ------------------------------------------------------------------------------

TEST(server_origins, foreign_origin_gets_403) {
    test_server s;
    ASSERT_TRUE(s.ok());
    try {
        ws_client c(s.port(), std::string("https://evil.example"));
        ADD_FAILURE() << "foreign origin accepted";
    } catch (const beast::system_error& e) {
        EXPECT_EQ(e.code(), websocket::error::upgrade_declined);
    }
    const auto metrics = http_get(s.port(), "/metrics").body;
    EXPECT_NE(metrics.find(R"(heregoes_connections_rejected_total{reason="origin"} 1)"),
              std::string::npos);
}

TEST(server_origins, own_origin_and_listed_origins_are_accepted) {
    auto config = test_config();
    config.allowed_origins = {"https://clinic.example"};
    test_server s(config);
    ASSERT_TRUE(s.ok());
    EXPECT_NO_THROW(ws_client(s.port(), "http://127.0.0.1:" + std::to_string(s.port())));
    EXPECT_NO_THROW(ws_client(s.port(), std::string("https://clinic.example")));
    EXPECT_NO_THROW(ws_client(s.port()));
    EXPECT_THROW(ws_client(s.port(), std::string("https://clinic.example.evil.com")),
                 beast::system_error);
}

TEST(server_origins, missing_origin_can_be_refused) {
    auto config = test_config();
    config.allow_missing_origin = false;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    EXPECT_THROW(ws_client(s.port()), beast::system_error);
}

// --- HTTP ---------------------------------------------------------------------------------

TEST(server_connections, accepted_connections_send_without_delay) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port()); // the handshake is done, so the server holds its end
    const auto fd = server_end_of(c.local_endpoint(), s.port());
    ASSERT_TRUE(fd.has_value());
    int no_delay = 0;
    socklen_t length = sizeof no_delay;
    ASSERT_EQ(::getsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &no_delay, &length), 0);
    EXPECT_NE(no_delay, 0);
}

TEST(server_http, health_ready_and_metrics) {
    test_server s;
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(http_get(s.port(), "/healthz").status, 200u);
    EXPECT_EQ(http_get(s.port(), "/readyz").status, 200u);
    auto m = http_get(s.port(), "/metrics");
    EXPECT_EQ(m.status, 200u);
    EXPECT_EQ(m.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8");
    for (const char* name : {"heregoes_connections ",
                             "heregoes_sessions ",
                             "heregoes_turns_total ",
                             "heregoes_errors_total{code=\"bad_json\"}",
                             "heregoes_turn_latency_seconds_bucket",
                             "heregoes_store_latency_seconds_bucket",
                             "heregoes_crisis_routes_total "}) {
        EXPECT_NE(m.body.find(name), std::string::npos) << name;
    }
}

TEST(server_http, a_request_arriving_in_pieces_is_answered) {
    test_server s;
    ASSERT_TRUE(s.ok());
    raw_connection raw(s.port());
    // The server reads the first piece, finds the request incomplete and waits for the rest.
    net::write(raw.socket, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHo")));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    net::write(raw.socket, net::buffer(std::string("st: 127.0.0.1\r\n\r\n")));
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(raw.socket, buffer, response);
    EXPECT_EQ(response.result_int(), 200u);
    EXPECT_EQ(response.body(), "ok\n");
}

TEST(server_http, keep_alive_answers_each_request_on_one_connection) {
    test_server s;
    ASSERT_TRUE(s.ok());
    raw_connection raw(s.port());
    beast::flat_buffer buffer;
    for (const char* target : {"/healthz", "/readyz", "/healthz"}) {
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        http::write(raw.socket, request);
        http::response<http::string_body> response;
        http::read(raw.socket, buffer, response);
        EXPECT_EQ(response.result_int(), 200u) << target;
        EXPECT_TRUE(response.keep_alive()) << target;
    }
}

TEST(server_http, demo_page_has_a_strict_csp_with_its_inline_hashes) {
    test_server s;
    ASSERT_TRUE(s.ok());
    auto page = http_get(s.port(), "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.headers["Content-Type"], "text/html; charset=utf-8");
    const auto csp = page.headers["Content-Security-Policy"];
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self' 'sha256-"), std::string::npos);
    EXPECT_NE(csp.find("style-src 'self' 'sha256-"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(page.headers["Cache-Control"], "no-cache");
    EXPECT_EQ(page.headers["X-Content-Type-Options"], "nosniff");
}

TEST(server_http, widget_files_have_types_and_revalidate) {
    test_server s;
    ASSERT_TRUE(s.ok());
    auto js = http_get(s.port(), "/widget.js");
    EXPECT_EQ(js.status, 200u);
    EXPECT_EQ(js.headers["Content-Type"], "text/javascript; charset=utf-8");
    EXPECT_EQ(js.headers["Cache-Control"], "public, max-age=300");
    EXPECT_EQ(http_get(s.port(), "/widget.css").headers["Content-Type"], "text/css; charset=utf-8");
    auto again = http_get(s.port(), "/widget.js", {{"If-None-Match", js.headers["ETag"]}});
    EXPECT_EQ(again.status, 304u);
}

TEST(server_http, unknown_paths_and_methods) {
    test_server s;
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(http_get(s.port(), "/nope").status, 404u);
    EXPECT_EQ(http_get(s.port(), "/../server_test.cpp").status, 404u);
    EXPECT_EQ(http_get(s.port(), "/healthz", {}, http::verb::post).status, 405u);
    EXPECT_EQ(http_get(s.port(), "/ws").status, 426u);
}

// --- reload and scale ---------------------------------------------------------------------

TEST(server_reload, reload_keeps_live_sessions_and_serves_the_new_version) {
    namespace fs = std::filesystem;
    const auto dir = fs::temp_directory_path() / ("heregoes-reload-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "strings" / "en");
    fs::copy_file(fixture_path("dialogs/chat-test.json"), dir / "chat-test.json");
    fs::copy_file(fixture_path("dialogs/strings/en/chat-test.json"),
                  dir / "strings" / "en" / "chat-test.json");
    auto config = test_config();
    config.dialogs_dir = dir.string();
    test_server s(config);
    ASSERT_TRUE(s.ok());
    ws_client live(s.port());
    live.start();
    live.choose("expect");

    std::ifstream in(dir / "chat-test.json");
    std::string graph((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    graph.replace(graph.find("\"version\": 1"), 12, "\"version\": 2");
    std::ofstream(dir / "chat-test.json") << graph;
    ASSERT_TRUE(s.get().reload());

    EXPECT_EQ(error_code_of(live.choose("back")), "");
    ws_client fresh(s.port());
    EXPECT_EQ(fresh.start().at(0)["version"], 2);
    fs::remove_all(dir);
}

TEST(server_scale, a_thousand_concurrent_sessions) {
    auto config = test_config();
    config.max_connections_per_ip = 2000;
    config.ip_burst = 100000;
    config.ip_rate_per_second = 100000;
    test_server s(config);
    ASSERT_TRUE(s.ok());
    constexpr int sessions = 1000;
    std::vector<std::unique_ptr<ws_client>> clients;
    clients.reserve(sessions);
    for (int i = 0; i < sessions; ++i) {
        clients.push_back(std::make_unique<ws_client>(s.port()));
        clients.back()->send(json{{"type", "start"}});
    }
    int ok = 0;
    for (auto& c : clients) {
        auto frames = c->read_turn();
        ok += !frames.empty() && frames[0]["type"] == "session" ? 1 : 0;
    }
    EXPECT_EQ(ok, sessions);
    for (auto& c : clients) {
        c->send(json{{"type", "choice"}, {"id", "expect"}});
    }
    int answered = 0;
    for (auto& c : clients) {
        answered += error_code_of(c->read_turn()).empty() ? 1 : 0;
    }
    EXPECT_EQ(answered, sessions);
    const auto metrics = http_get(s.port(), "/metrics").body;
    EXPECT_NE(metrics.find("heregoes_sessions 1000\n"), std::string::npos);
}

TEST(server_drain, drain_finishes_and_closes_live_connections) {
    test_server s;
    ASSERT_TRUE(s.ok());
    ws_client c(s.port());
    c.start();
    s.get().drain();
    EXPECT_FALSE(c.read().has_value());
    EXPECT_EQ(c.close_code(), websocket::close_code::going_away);
}

} // namespace
} // namespace heregoes::server::testing
