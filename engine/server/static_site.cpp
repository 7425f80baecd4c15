// Loading and describing the static files. The CSP is computed once per load from the page
// itself, so the demo page can keep its small inline blocks while every other inline script or
// style (an injected one) is refused by the browser.

#include "engine/server/static_site.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <fstream>
#include <system_error>
#include <vector>

namespace heregoes::server {

namespace {

struct kind {
    std::string_view extension;
    std::string_view content_type;
};

constexpr std::array<kind, 7> kinds{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
}};

// The widget is fetched by every page view of every practice site: a few minutes of caching
// spares the server, and the ETag makes an update reach everyone soon after.
constexpr std::string_view asset_cache_control = "public, max-age=300";

std::string base64(const unsigned char* data, std::size_t size) {
    std::vector<unsigned char> out(4 * ((size + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(out.data(), data, static_cast<int>(size));
    return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

std::string sha256_source(std::string_view text) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return "'sha256-" + base64(digest, sizeof digest) + "'";
}

std::string etag_of(std::string_view body) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string tag = "\"";
    for (std::size_t i = 0; i < 12; ++i) {
        tag.push_back(hex[digest[i] >> 4]);
        tag.push_back(hex[digest[i] & 0x0F]);
    }
    tag.push_back('"');
    return tag;
}

// Hashes of every inline <tag>...</tag> block (blocks with attributes such as src= are skipped
// when they are empty, as an external script is).
std::string inline_hashes(std::string_view html, std::string_view tag) {
    std::string hashes;
    const std::string open = "<" + std::string(tag);
    const std::string close = "</" + std::string(tag) + ">";
    std::size_t pos = 0;
    while ((pos = html.find(open, pos)) != std::string_view::npos) {
        const auto after = pos + open.size();
        if (after >= html.size() || (html[after] != '>' && html[after] != ' ' &&
                                     html[after] != '\n' && html[after] != '\t')) {
            pos = after;
            continue;
        }
        const auto body_start = html.find('>', after);
        if (body_start == std::string_view::npos) {
            break;
        }
        const auto body_end = html.find(close, body_start + 1);
        if (body_end == std::string_view::npos) {
            break;
        }
        const auto body = html.substr(body_start + 1, body_end - body_start - 1);
        if (!body.empty()) {
            hashes += " " + sha256_source(body);
        }
        pos = body_end + close.size();
    }
    return hashes;
}

expected<std::string> read_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return fail("static_read", "cannot read the file: " + ec.message(), path.string());
    }
    if (size > max_static_file_bytes) {
        return fail(
            "static_too_large", "the file is larger than 1 MiB; it is not served.", path.string());
    }
    std::ifstream in(path, std::ios::binary);
    std::string body(size, '\0');
    if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
        return fail("static_read", "cannot read the file.", path.string());
    }
    return body;
}

} // namespace

std::string page_csp(const std::string& inline_script_hashes,
                     const std::string& inline_style_hashes) {
    return "default-src 'none'; script-src 'self'" + inline_script_hashes + "; style-src 'self'" +
           inline_style_hashes +
           "; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'";
}

expected<std::shared_ptr<const static_site>>
static_site::load(const std::filesystem::path& folder) {
    auto site = std::make_shared<static_site>();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        return std::shared_ptr<const static_site>(std::move(site));
    }
    for (const auto& item : std::filesystem::directory_iterator(folder, ec)) {
        if (!item.is_regular_file(ec)) {
            continue;
        }
        const auto name = item.path().filename().string();
        const auto ext = item.path().extension().string();
        const kind* k = nullptr;
        for (const auto& candidate : kinds) {
            if (candidate.extension == ext) {
                k = &candidate;
            }
        }
        if (k == nullptr || name.starts_with('.')) {
            continue;
        }
        if (site->files_.size() >= max_static_files) {
            return fail("static_too_many",
                        "the widget folder holds more than 64 servable files.",
                        folder.string());
        }
        auto body = read_file(item.path());
        if (!body) {
            return body.error();
        }
        static_file file;
        file.content_type = k->content_type;
        file.etag = etag_of(*body);
        if (ext == ".html") {
            file.cache_control = "no-cache";
            file.csp = page_csp(inline_hashes(*body, "script"), inline_hashes(*body, "style"));
        } else {
            file.cache_control = asset_cache_control;
        }
        file.body = std::move(*body);
        site->files_["/" + name] = std::move(file);
    }
    if (ec) {
        return fail(
            "static_read", "cannot list the widget folder: " + ec.message(), folder.string());
    }
    return std::shared_ptr<const static_site>(std::move(site));
}

const static_file* static_site::find(std::string_view target) const {
    const auto query = target.find('?');
    if (query != std::string_view::npos) {
        target = target.substr(0, query);
    }
    if (target == "/") {
        target = "/index.html";
    }
    auto it = files_.find(target);
    return it == files_.end() ? nullptr : &it->second;
}

} // namespace heregoes::server
