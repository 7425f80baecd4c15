#pragma once

// Who is on the other end of a connection, and may they open the WebSocket. Two policies live
// here: the Origin allow-list for the WebSocket handshake (the practice sites that embed the
// widget, plus by default the server's own origin), and the client address behind a reverse
// proxy (X-Forwarded-For is believed only from configured proxies, so nobody can pick the
// address they are rate-limited under).

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::server {

// A web origin, lower-cased, with its port made explicit (80 for http, 443 for https).
struct web_origin {
    std::string scheme; // "http" or "https"
    std::string host;
    std::uint16_t port = 0;
    bool operator==(const web_origin&) const = default;
};

// Parses "https://clinic.example" or "http://localhost:8080"; nullopt for anything else
// (paths, other schemes, "null").
std::optional<web_origin> parse_origin(std::string_view text);

// An IP range; a single address is a range with the full prefix.
struct ip_network {
    boost::asio::ip::address base;
    unsigned prefix = 0;

    // True when `a` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    bool contains(const boost::asio::ip::address& a) const;
};

// Parses "10.0.0.1", "10.0.0.0/8", "::1" or "fd00::/8"; nullopt for anything else.
std::optional<ip_network> parse_network(std::string_view text);

// Decides whether a WebSocket handshake's Origin is allowed.
class origin_policy {
public:
    origin_policy(const std::vector<std::string>& allowed, bool allow_same, bool allow_missing);

    // `origin` is the Origin header (nullopt when absent), `host` the Host header.
    bool allows(std::optional<std::string_view> origin, std::string_view host) const;

private:
    std::vector<web_origin> allowed_;
    bool allow_same_;
    bool allow_missing_;
};

// Finds the client address of a request.
class proxy_policy {
public:
    explicit proxy_policy(const std::vector<std::string>& trusted);

    // The peer itself, unless the peer is a trusted proxy: then the right-most address in
    // X-Forwarded-For that is not itself a trusted proxy (what the outermost trusted proxy saw).
    boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                            std::string_view forwarded_for) const;

private:
    bool trusted(const boost::asio::ip::address& a) const;
    std::vector<ip_network> trusted_;
};

} // namespace heregoes::server
