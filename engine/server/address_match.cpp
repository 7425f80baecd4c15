// Origin and proxy-address matching. Both work on parsed values (never substring tests on raw
// headers), because "https://clinic.example.evil.com" must not pass for "https://clinic.example".

#include "engine/server/address_match.hpp"

#include <algorithm>
#include <charconv>

namespace heregoes::server {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

std::string_view trim(std::string_view text) {
    const auto b = text.find_first_not_of(" \t");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = text.find_last_not_of(" \t");
    return text.substr(b, e - b + 1);
}

// Splits "host:port" / "[v6]:port" into host and optional port; false when malformed.
bool split_host_port(std::string_view text, std::string& host, std::optional<std::uint16_t>& port) {
    std::string_view port_text;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        host = lower(text.substr(0, close + 1));
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') {
                return false;
            }
            port_text = rest.substr(1);
        }
    } else {
        const auto colon = text.rfind(':');
        if (colon != std::string_view::npos) {
            host = lower(text.substr(0, colon));
            port_text = text.substr(colon + 1);
            if (port_text.empty()) {
                return false;
            }
        } else {
            host = lower(text);
        }
    }
    if (host.empty()) {
        return false;
    }
    for (char c : host) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                        c == '[' || c == ']' || c == ':';
        if (!ok) {
            return false;
        }
    }
    if (!port_text.empty()) {
        unsigned value = 0;
        auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
            value > 65535) {
            return false;
        }
        port = static_cast<std::uint16_t>(value);
    }
    return true;
}

boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    }
    return a;
}

} // namespace

std::optional<web_origin> parse_origin(std::string_view text) {
    web_origin origin;
    std::string_view rest;
    const auto lowered = lower(text);
    std::string_view view = lowered;
    if (view.starts_with("https://")) {
        origin.scheme = "https";
        rest = view.substr(8);
    } else if (view.starts_with("http://")) {
        origin.scheme = "http";
        rest = view.substr(7);
    } else {
        return std::nullopt;
    }
    if (rest.ends_with('/')) {
        rest.remove_suffix(1);
    }
    if (rest.find_first_of("/?#@") != std::string_view::npos) {
        return std::nullopt;
    }
    std::optional<std::uint16_t> port;
    if (!split_host_port(rest, origin.host, port)) {
        return std::nullopt;
    }
    origin.port = port.value_or(origin.scheme == "https" ? 443 : 80);
    return origin;
}

bool ip_network::contains(const boost::asio::ip::address& address) const {
    const auto a = unmapped(address);
    if (a.is_v4() != base.is_v4()) {
        return false;
    }
    auto compare = [this](const auto& x, const auto& y) {
        unsigned bits = prefix;
        for (std::size_t i = 0; i < x.size() && bits > 0; ++i) {
            const unsigned take = std::min(bits, 8u);
            const auto mask = static_cast<unsigned char>(0xFFu << (8 - take));
            if ((x[i] & mask) != (y[i] & mask)) {
                return false;
            }
            bits -= take;
        }
        return true;
    };
    if (a.is_v4()) {
        return compare(a.to_v4().to_bytes(), base.to_v4().to_bytes());
    }
    return compare(a.to_v6().to_bytes(), base.to_v6().to_bytes());
}

std::optional<ip_network> parse_network(std::string_view text) {
    text = trim(text);
    const auto slash = text.find('/');
    boost::system::error_code ec;
    auto base = boost::asio::ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) {
        return std::nullopt;
    }
    base = unmapped(base);
    const unsigned width = base.is_v4() ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string_view::npos) {
        const auto p = text.substr(slash + 1);
        auto [end, perr] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (perr != std::errc{} || end != p.data() + p.size() || p.empty() || prefix > width) {
            return std::nullopt;
        }
    }
    return ip_network{base, prefix};
}

origin_policy::origin_policy(const std::vector<std::string>& allowed,
                             bool allow_same,
                             bool allow_missing)
    : allow_same_(allow_same)
    , allow_missing_(allow_missing) {
    for (const auto& text : allowed) {
        if (auto o = parse_origin(text)) {
            allowed_.push_back(std::move(*o));
        }
    }
}

bool origin_policy::allows(std::optional<std::string_view> origin_header,
                           std::string_view host_header) const {
    if (!origin_header) {
        return allow_missing_;
    }
    const auto origin = parse_origin(trim(*origin_header));
    if (!origin) {
        return false; // "null" (sandboxed frames, file://) and anything malformed
    }
    if (std::find(allowed_.begin(), allowed_.end(), *origin) != allowed_.end()) {
        return true;
    }
    if (!allow_same_) {
        return false;
    }
    std::string host;
    std::optional<std::uint16_t> port;
    if (!split_host_port(trim(host_header), host, port)) {
        return false;
    }
    // Behind a TLS-terminating proxy the Host header carries no scheme: a match of host and
    // port is the server's own origin.
    return host == origin->host && port.value_or(origin->port) == origin->port;
}

proxy_policy::proxy_policy(const std::vector<std::string>& trusted) {
    for (const auto& text : trusted) {
        if (auto n = parse_network(text)) {
            trusted_.push_back(*n);
        }
    }
}

bool proxy_policy::trusted(const boost::asio::ip::address& a) const {
    return std::any_of(
        trusted_.begin(), trusted_.end(), [&](const ip_network& n) { return n.contains(a); });
}

boost::asio::ip::address proxy_policy::client_address(const boost::asio::ip::address& peer,
                                                      std::string_view forwarded_for) const {
    auto client = unmapped(peer);
    if (!trusted(client)) {
        return client;
    }
    // Walk from the right: each hop appended the address it saw. Stop at the first address a
    // trusted proxy did not vouch for by being trusted itself.
    while (!forwarded_for.empty()) {
        const auto comma = forwarded_for.rfind(',');
        const auto item =
            trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
        forwarded_for =
            comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
        boost::system::error_code ec;
        auto a = boost::asio::ip::make_address(std::string(item), ec);
        if (ec) {
            return client; // a garbled entry: keep the last address we could trust
        }
        client = unmapped(a);
        if (!trusted(client)) {
            return client;
        }
    }
    return client;
}

} // namespace heregoes::server
