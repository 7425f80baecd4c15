#pragma once

// Crisis resources as deployment configuration: per region, the emergency number and the crisis,
// abuse and child lines, each entry with the date it was last verified, the date it must be
// reviewed by and the service page it was verified against (clinical.md §6.3). A gate refuses to
// load a region with an entry past its review date unless the operator explicitly overrides it,
// because a wrong number in a crisis message is worse than no bot at all.

#include "engine/core/expected.hpp"
#include "engine/safety/civil_date.hpp"
#include "engine/safety/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heregoes::safety {

// Lint warns this many days before an entry's review_by date, so a person has a month to
// re-check a number against the service's own page before the server refuses to start.
inline constexpr int review_warning_days = 30;

// Largest resources file read.
inline constexpr std::size_t max_resources_file_bytes = 1 << 20;

struct contact {
    std::string kind;    // call, text, chat, web, email
    std::string value;   // "988", "85258", "988lifeline.org"
    std::string keyword; // for text lines that need one ("HOME"); empty otherwise
};

struct resource_entry {
    std::string id;      // stable, for lint and review ("us.988")
    std::string role;    // emergency, crisis, domestic_abuse, child, child_concern, urgent_care,
                         // directory
    std::string service; // the service's own name
    std::vector<contact> contacts;
    std::string hours;         // shown only when present, and present only when confirmed ("24/7")
    std::string notes;         // for reviewers; never shown
    std::string confidence;    // primary, secondary, unconfirmed, conflicting (clinical.md markers)
    std::string signed_off_by; // who accepted an unconfirmed or conflicting entry; may be empty
    std::string source_url;    // the service's own page used to verify it
    civil_date last_verified;
    civil_date review_by;
    std::string where; // file#/json/pointer of the entry, for messages
};

struct region_resources {
    std::string region;           // "US", "UK", "IE", "CA", "fallback"
    std::string name;             // "United States"
    std::string silent_call_code; // "55" where a silent emergency call can be confirmed; or empty
    std::vector<resource_entry> entries;

    // Entries with this role, in file order.
    std::vector<const resource_entry*> with_role(std::string_view role) const;
};

struct resource_catalog {
    std::vector<region_resources> regions;
    // The region with this code, or nullptr.
    const region_resources* find(std::string_view region) const noexcept;
};

// Parses the resources file; JSON syntax, nesting and duplicate-key errors name file:line:column,
// errors in the fields name the JSON pointer of the bad field.
expected<resource_catalog> parse_resources(std::string_view json_text, std::string_view where);

// Reads and parses dialogs/safety/resources.json (or a deployment's own file).
expected<resource_catalog> load_resources(const std::string& path);

// The review findings for one region on `today`: an error per entry past review_by, a warning per
// entry due within review_warning_days, and a warning per unconfirmed or conflicting entry that
// nobody signed off.
std::vector<diagnostic> review_resources(const region_resources& region, civil_date today);

// Picks a region for a deployment. Fails when the region is unknown or, unless allow_expired is
// set, when any of its entries is past its review date on `today`.
expected<region_resources> select_region(const resource_catalog& catalog,
                                         std::string_view region,
                                         civil_date today,
                                         bool allow_expired);

} // namespace heregoes::safety
