#pragma once

// The HTTP route table, in one place (engineering.md §1.9): every path the server answers and
// what answers it. Handlers are thin: they read the shared context and build a response; the
// WebSocket upgrade on /ws is decided in http_session, because it takes over the connection.
//
//   GET /            the demo practice page (index.html from the widget folder)
//   GET /<file>      widget.js, widget.css and other files of the widget folder
//   GET /healthz     200 while the process serves
//   GET /readyz      200 when the store is reachable and dialogs are loaded, else 503
//   GET /metrics     Prometheus text, counts only
//   GET /ws          the protocol v1 WebSocket (upgrade only; a plain GET gets 426)

#include "engine/server/server_context.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace heregoes::server {

using http_request = boost::beast::http::request<boost::beast::http::empty_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// The answer to a non-upgrade request.
http_response route(server_context& ctx, const http_request& request);

// A small text response with the security headers every response carries.
http_response
text_response(const http_request& request, boost::beast::http::status status, std::string body);

} // namespace heregoes::server
