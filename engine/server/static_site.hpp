#pragma once

// The files the server serves over plain HTTP: the demo practice page at / and the widget
// (/widget.js, /widget.css), read from the widget folder into memory at start and on SIGHUP, so
// answering a request never touches the disk. Each file carries its content type, an ETag for
// revalidation and its caching policy; HTML pages get a strict Content-Security-Policy whose
// only exceptions are the SHA-256 hashes of the page's own inline <script> and <style> blocks.

#include "engine/core/expected.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace heregoes::server {

// Largest file served: the widget's budget is tens of KiB; a big file in the folder is a mistake.
inline constexpr std::size_t max_static_file_bytes = 1024 * 1024;

// Most files read from the folder, so a wrong folder (say, /) cannot fill memory.
inline constexpr std::size_t max_static_files = 64;

struct static_file {
    std::string body;
    std::string content_type;
    std::string etag;          // quoted, as sent
    std::string cache_control; // "no-cache" for pages, a short max-age for the widget
    std::string csp;           // HTML only: the page's Content-Security-Policy
};

class static_site {
public:
    // Reads the servable files directly in `folder` (html, js, css, svg, png, ico, woff2). A
    // missing folder gives an empty site (the API still works); an unreadable file is an error.
    static expected<std::shared_ptr<const static_site>> load(const std::filesystem::path& folder);

    // The file for a request path ("/" is index.html); null when there is none.
    const static_file* find(std::string_view target) const;

    std::size_t size() const noexcept { return files_.size(); }

private:
    std::map<std::string, static_file, std::less<>> files_; // "/widget.js" -> file
};

// The Content-Security-Policy of a page with these inline-block hashes ("'sha256-...'" each).
std::string page_csp(const std::string& inline_script_hashes,
                     const std::string& inline_style_hashes);

} // namespace heregoes::server
