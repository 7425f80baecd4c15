#pragma once

// Where the runtime tests' fixture dialogs live (set by tests/engine/dialog/CMakeLists.txt).

#include <filesystem>

namespace heregoes::dialog::testing {

inline std::filesystem::path fixture(const char* name) {
    return std::filesystem::path(HEREGOES_DIALOG_FIXTURES) / name;
}

} // namespace heregoes::dialog::testing
