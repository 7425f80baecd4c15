// The route handlers. Every response carries nosniff and no-referrer; pages add their CSP.

#include "engine/server/routes.hpp"

#include <boost/beast/version.hpp>

namespace heregoes::server {

namespace http = boost::beast::http;

namespace {

void common_headers(http_response& res) {
    res.set(http::field::server, "heregoes");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
}

http_response health(const http_request& req) {
    auto res = text_response(req, http::status::ok, "ok\n");
    res.set(http::field::cache_control, "no-store");
    return res;
}

http_response ready(server_context& ctx, const http_request& req) {
    const auto set = ctx.dialogs.load();
    const bool dialogs = set && set->size() > 0;
    const bool store = ctx.store.ready();
    const bool draining = ctx.draining.load(std::memory_order_relaxed);
    std::string body = std::string("store ") + (store ? "ok" : "unavailable") + "\ndialogs " +
                       (dialogs ? std::to_string(set->size()) : std::string("none")) + "\n" +
                       (draining ? "draining\n" : "");
    auto res = text_response(req,
                             store && dialogs && !draining ? http::status::ok
                                                           : http::status::service_unavailable,
                             std::move(body));
    res.set(http::field::cache_control, "no-store");
    return res;
}

http_response metrics_page(server_context& ctx, const http_request& req) {
    auto res = text_response(req, http::status::ok, ctx.stats.render(ctx.log.dropped_lines()));
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    return res;
}

http_response file(server_context& ctx, const http_request& req) {
    const auto site = ctx.site.load();
    const static_file* f = site ? site->find(req.target()) : nullptr;
    if (f == nullptr) {
        return text_response(req, http::status::not_found, "not found\n");
    }
    http_response res{http::status::ok, req.version()};
    common_headers(res);
    res.set(http::field::content_type, f->content_type);
    res.set(http::field::cache_control, f->cache_control);
    res.set(http::field::etag, f->etag);
    if (!f->csp.empty()) {
        res.set("Content-Security-Policy", f->csp);
        res.set("X-Frame-Options", "DENY");
    } else {
        // The widget is embedded by practice sites on other origins.
        res.set("Cross-Origin-Resource-Policy", "cross-origin");
    }
    res.keep_alive(req.keep_alive());
    if (req[http::field::if_none_match] == f->etag) {
        res.result(http::status::not_modified);
        return res;
    }
    if (req.method() == http::verb::head) {
        res.content_length(f->body.size());
        return res;
    }
    res.body() = f->body;
    res.prepare_payload();
    return res;
}

} // namespace

http_response text_response(const http_request& req, http::status status, std::string body) {
    http_response res{status, req.version()};
    common_headers(res);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) {
        res.body() = std::move(body);
    }
    res.prepare_payload();
    return res;
}

http_response route(server_context& ctx, const http_request& req) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res = text_response(req, http::status::method_not_allowed, "method not allowed\n");
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/healthz") {
        return health(req);
    }
    if (path == "/readyz") {
        return ready(ctx, req);
    }
    if (path == "/metrics") {
        return metrics_page(ctx, req);
    }
    if (path == "/ws") {
        auto res = text_response(
            req, http::status::upgrade_required, "this path takes a WebSocket upgrade\n");
        res.set(http::field::upgrade, "websocket");
        return res;
    }
    return file(ctx, req);
}

} // namespace heregoes::server
