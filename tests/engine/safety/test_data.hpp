#pragma once

// Where the safety tests find the shipped safety data, and a gate loaded from it. The date is
// fixed so the tests never depend on the clock; it lies inside the shipped review window.

#include "engine/safety/screening_gate.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace heregoes::safety::testing {

inline const std::string source_dir = HEREGOES_SOURCE_DIR;
inline const std::string data_dir = source_dir + "/dialogs/safety";
inline constexpr civil_date test_today{2026, 12, 1};

inline gate_options test_options(std::string region = "US") {
    gate_options o;
    o.data_dir = data_dir;
    o.region = std::move(region);
    o.today = test_today;
    return o;
}

// The shipped gate for `region`; fails the calling test when it does not load.
inline std::shared_ptr<const screening_gate> shipped_gate(const std::string& region = "US") {
    auto loaded = load_gate(test_options(region));
    if (!loaded) {
        ADD_FAILURE() << loaded.error().to_string();
        return nullptr;
    }
    return std::shared_ptr<const screening_gate>(std::move(*loaded));
}

} // namespace heregoes::safety::testing
