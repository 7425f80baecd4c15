// Parsing, review-date checks and region selection for crisis resources (see
// crisis_resources.hpp). data_file.hpp reads the file and its envelope (JSON errors name
// file:line:column); the fields are checked here, and their errors name a JSON pointer.

#include "engine/safety/crisis_resources.hpp"

#include "engine/safety/data_file.hpp"

#include <algorithm>
#include <array>

namespace heregoes::safety {
namespace {

using json = nlohmann::json;

constexpr int resources_schema_version = 1;

constexpr data_file_kind resources_file{"the crisis resources file",
                                        "bad_resources",
                                        resources_schema_version,
                                        max_resources_file_bytes};

constexpr std::array<std::string_view, 7> known_roles = {
    "emergency", "crisis", "domestic_abuse", "child", "child_concern", "urgent_care", "directory"};
constexpr std::array<std::string_view, 5> known_kinds = {"call", "text", "chat", "web", "email"};
constexpr std::array<std::string_view, 4> known_confidence = {
    "primary", "secondary", "unconfirmed", "conflicting"};

template <std::size_t n>
bool one_of(const std::array<std::string_view, n>& list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

// Reads a required non-empty string member.
expected<std::string> required_string(const json& obj, const char* key, const std::string& at) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) {
        return fail("bad_resources",
                    std::string(key) + " is required and must be a string",
                    at + "/" + key);
    }
    return it->get<std::string>();
}

std::string optional_string(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

expected<civil_date> required_date(const json& obj, const char* key, const std::string& at) {
    auto text = required_string(obj, key, at);
    if (!text) {
        return text.error();
    }
    const auto d = civil_date::parse(*text);
    if (!d) {
        return fail("bad_resources",
                    std::string(key) + " must be a date written YYYY-MM-DD",
                    at + "/" + key);
    }
    return *d;
}

expected<resource_entry> parse_entry(const json& node, const std::string& at) {
    if (!node.is_object()) {
        return fail("bad_resources", "a resource entry must be an object", at);
    }
    resource_entry e;
    e.where = at;
    for (auto [field, key] : {std::pair{&e.id, "id"},
                              std::pair{&e.role, "role"},
                              std::pair{&e.service, "service"},
                              std::pair{&e.confidence, "confidence"},
                              std::pair{&e.source_url, "source_url"}}) {
        auto value = required_string(node, key, at);
        if (!value) {
            return value.error();
        }
        *field = std::move(*value);
    }
    if (!one_of(known_roles, e.role)) {
        return fail("bad_resources",
                    "role must be one of emergency, crisis, domestic_abuse, child, child_concern, "
                    "urgent_care, directory",
                    at + "/role");
    }
    if (!one_of(known_confidence, e.confidence)) {
        return fail("bad_resources",
                    "confidence must be primary, secondary, unconfirmed or conflicting",
                    at + "/confidence");
    }
    if (e.source_url.rfind("https://", 0) != 0 && e.source_url.rfind("http://", 0) != 0) {
        return fail("bad_resources",
                    "source_url must be the http(s) address of the service page",
                    at + "/source_url");
    }
    e.hours = optional_string(node, "hours");
    e.notes = optional_string(node, "notes");
    e.signed_off_by = optional_string(node, "signed_off_by");
    auto verified = required_date(node, "last_verified", at);
    if (!verified) {
        return verified.error();
    }
    e.last_verified = *verified;
    auto review = required_date(node, "review_by", at);
    if (!review) {
        return review.error();
    }
    e.review_by = *review;
    if (e.review_by < e.last_verified) {
        return fail("bad_resources", "review_by is earlier than last_verified", at + "/review_by");
    }
    const auto contacts = node.find("contacts");
    if (contacts == node.end() || !contacts->is_array() || contacts->empty()) {
        return fail("bad_resources",
                    "contacts must list at least one way to reach the service",
                    at + "/contacts");
    }
    for (std::size_t i = 0; i < contacts->size(); ++i) {
        const std::string cat = at + "/contacts/" + std::to_string(i);
        const json& c = (*contacts)[i];
        if (!c.is_object()) {
            return fail("bad_resources", "a contact must be an object", cat);
        }
        contact out;
        auto kind = required_string(c, "kind", cat);
        if (!kind) {
            return kind.error();
        }
        if (!one_of(known_kinds, *kind)) {
            return fail(
                "bad_resources", "kind must be call, text, chat, web or email", cat + "/kind");
        }
        auto value = required_string(c, "value", cat);
        if (!value) {
            return value.error();
        }
        out.kind = std::move(*kind);
        out.value = std::move(*value);
        out.keyword = optional_string(c, "keyword");
        e.contacts.push_back(std::move(out));
    }
    return e;
}

} // namespace

std::vector<const resource_entry*> region_resources::with_role(std::string_view role) const {
    std::vector<const resource_entry*> out;
    for (const auto& e : entries) {
        if (e.role == role) {
            out.push_back(&e);
        }
    }
    return out;
}

const region_resources* resource_catalog::find(std::string_view region) const noexcept {
    for (const auto& r : regions) {
        if (r.region == region) {
            return &r;
        }
    }
    return nullptr;
}

expected<resource_catalog> parse_resources(std::string_view json_text, std::string_view where) {
    const std::string file(where);
    auto parsed = parse_data_file(json_text, file, resources_file);
    if (!parsed) {
        return parsed.error();
    }
    const json& doc = *parsed;
    const auto regions = doc.find("regions");
    if (regions == doc.end() || !regions->is_object() || regions->empty()) {
        return fail("bad_resources",
                    "regions must map region codes to their resources",
                    file + "#/regions");
    }
    resource_catalog catalog;
    for (const auto& [code, node] : regions->items()) {
        const std::string at = file + "#/regions/" + code;
        if (!node.is_object()) {
            return fail("bad_resources", "a region must be an object", at);
        }
        region_resources r;
        r.region = code;
        r.name = optional_string(node, "name");
        r.silent_call_code = optional_string(node, "silent_call_code");
        const auto entries = node.find("entries");
        if (entries == node.end() || !entries->is_array()) {
            return fail("bad_resources", "entries must be a list", at + "/entries");
        }
        for (std::size_t i = 0; i < entries->size(); ++i) {
            auto e = parse_entry((*entries)[i], at + "/entries/" + std::to_string(i));
            if (!e) {
                return e.error();
            }
            r.entries.push_back(std::move(*e));
        }
        if (r.with_role("emergency").empty()) {
            return fail("bad_resources",
                        "every region needs an emergency entry: crisis messages give it first",
                        at + "/entries");
        }
        if (r.with_role("crisis").empty() && r.with_role("directory").empty()) {
            return fail("bad_resources",
                        "every region needs a crisis line or a helpline directory",
                        at + "/entries");
        }
        catalog.regions.push_back(std::move(r));
    }
    return catalog;
}

expected<resource_catalog> load_resources(const std::string& path) {
    auto text = read_data_file(path, resources_file);
    if (!text) {
        return text.error();
    }
    return parse_resources(*text, path);
}

std::vector<diagnostic> review_resources(const region_resources& region, civil_date today) {
    std::vector<diagnostic> out;
    const civil_date soon = today.plus_days(review_warning_days);
    for (const auto& e : region.entries) {
        if (e.review_by < today) {
            out.push_back({diagnostic::severity::error,
                           "resource_expired",
                           "\"" + e.id + "\" (" + e.service + ") was due for review on " +
                               e.review_by.to_string() + "; re-check it against " + e.source_url +
                               " and update last_verified and review_by",
                           e.where + "/review_by"});
        } else if (e.review_by <= soon) {
            out.push_back({diagnostic::severity::warning,
                           "resource_review_soon",
                           "\"" + e.id + "\" (" + e.service + ") is due for review on " +
                               e.review_by.to_string() + "; re-check it against " + e.source_url,
                           e.where + "/review_by"});
        }
        if ((e.confidence == "unconfirmed" || e.confidence == "conflicting") &&
            e.signed_off_by.empty()) {
            out.push_back({diagnostic::severity::warning,
                           "resource_unconfirmed",
                           "\"" + e.id + "\" is marked " + e.confidence +
                               "; confirm it on the service's own page or record who signed it "
                               "off in signed_off_by before launch",
                           e.where + "/confidence"});
        }
        if (!e.hours.empty() && e.confidence != "primary") {
            out.push_back({diagnostic::severity::warning,
                           "resource_hours_unconfirmed",
                           "\"" + e.id +
                               "\" states hours but is not confirmed from a primary "
                               "source; hours are shown only when confirmed",
                           e.where + "/hours"});
        }
    }
    return out;
}

expected<region_resources> select_region(const resource_catalog& catalog,
                                         std::string_view region,
                                         civil_date today,
                                         bool allow_expired) {
    const region_resources* r = catalog.find(region);
    if (r == nullptr) {
        std::string known;
        for (const auto& each : catalog.regions) {
            known += (known.empty() ? "" : ", ") + each.region;
        }
        return fail("unknown_region",
                    "no crisis resources for region \"" + std::string(region) +
                        "\"; use one of: " + known);
    }
    if (!allow_expired) {
        for (const auto& d : review_resources(*r, today)) {
            if (d.level == diagnostic::severity::error) {
                return fail(d.code,
                            d.message + ". The server will not start with an expired crisis "
                                        "resource unless allow_expired_resources is set",
                            d.where);
            }
        }
    }
    return *r;
}

} // namespace heregoes::safety
