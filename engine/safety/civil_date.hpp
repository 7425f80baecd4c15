#pragma once

// A calendar date (no time, no zone) for the review dates of crisis resources. Functions that
// check dates take "today" as a parameter, so they stay pure and testable.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heregoes::safety {

struct civil_date {
    int year = 1970;
    int month = 1;
    int day = 1;

    auto operator<=>(const civil_date&) const = default;

    // Parses "YYYY-MM-DD"; nullopt for anything else or an impossible date (2026-02-30).
    static std::optional<civil_date> parse(std::string_view text) noexcept;
    // "YYYY-MM-DD".
    std::string to_string() const;
    // Days since 1970-01-01 (negative before).
    std::int64_t days_since_epoch() const noexcept;
    // The date `days` days later (earlier when negative).
    civil_date plus_days(std::int64_t days) const noexcept;
};

} // namespace heregoes::safety
