// Tests for origin matching, IP ranges and the client address behind trusted proxies.

#include "engine/server/address_match.hpp"

#include <gtest/gtest.h>

namespace heregoes::server {
namespace {

boost::asio::ip::address ip(const char* text) {
    return boost::asio::ip::make_address(text);
}

TEST(address_match, origins_parse_with_default_ports) {
    auto o = parse_origin("HTTPS://Clinic.Example");
    ASSERT_TRUE(o);
    EXPECT_EQ(o->host, "clinic.example");
    EXPECT_EQ(o->port, 443);
    EXPECT_EQ(parse_origin("http://localhost:8080")->port, 8080);
    EXPECT_FALSE(parse_origin("null"));
    EXPECT_FALSE(parse_origin("ftp://x"));
    EXPECT_FALSE(parse_origin("https://x/path"));
    EXPECT_FALSE(parse_origin("https://user@x"));
}

TEST(address_match, origin_policy_allows_listed_and_same_origin_only) {
    origin_policy p({"https://clinic.example"}, true, true);
    EXPECT_TRUE(p.allows("https://clinic.example", "chat.example"));
    EXPECT_FALSE(p.allows("https://clinic.example.evil.com", "chat.example"));
    EXPECT_FALSE(p.allows("http://clinic.example", "chat.example"));
    EXPECT_TRUE(p.allows("https://chat.example", "chat.example"));
    EXPECT_TRUE(p.allows("http://localhost:8080", "localhost:8080"));
    EXPECT_FALSE(p.allows("http://localhost:9090", "localhost:8080"));
    EXPECT_FALSE(p.allows("null", "chat.example"));
    EXPECT_TRUE(p.allows(std::nullopt, "chat.example"));
    origin_policy strict({}, false, false);
    EXPECT_FALSE(strict.allows(std::nullopt, "x"));
    EXPECT_FALSE(strict.allows("https://x", "x"));
}

TEST(address_match, networks_contain_their_addresses) {
    auto n = parse_network("10.1.0.0/16");
    ASSERT_TRUE(n);
    EXPECT_TRUE(n->contains(ip("10.1.200.3")));
    EXPECT_FALSE(n->contains(ip("10.2.0.1")));
    EXPECT_TRUE(n->contains(ip("::ffff:10.1.0.9")));
    EXPECT_TRUE(parse_network("fd00::/8")->contains(ip("fd12::1")));
    EXPECT_FALSE(parse_network("fd00::/8")->contains(ip("10.1.0.1")));
    EXPECT_FALSE(parse_network("10.0.0.0/40"));
    EXPECT_FALSE(parse_network("nope"));
}

TEST(address_match, forwarded_for_is_believed_only_from_trusted_proxies) {
    proxy_policy p({"127.0.0.1", "10.0.0.0/8"});
    EXPECT_EQ(p.client_address(ip("127.0.0.1"), "203.0.113.5"), ip("203.0.113.5"));
    EXPECT_EQ(p.client_address(ip("127.0.0.1"), "198.51.100.1, 203.0.113.5, 10.0.0.2"),
              ip("203.0.113.5"));
    EXPECT_EQ(p.client_address(ip("192.0.2.9"), "203.0.113.5"), ip("192.0.2.9"));
    EXPECT_EQ(p.client_address(ip("127.0.0.1"), ""), ip("127.0.0.1"));
    EXPECT_EQ(p.client_address(ip("127.0.0.1"), "garbage"), ip("127.0.0.1"));
}

} // namespace
} // namespace heregoes::server
