#pragma once

// Opening the SQLite store on a test's own file with the default options, for the tests that write
// a file, close it, change it underneath, and open it again.

#include "engine/store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace heregoes::store::testing {

// The store on `path` with default options, or null after recording a test failure.
inline std::unique_ptr<sqlite_store> open_store_file(const std::filesystem::path& path) {
    sqlite_options options;
    options.path = path;
    auto store = open_sqlite_store(options);
    EXPECT_TRUE(store) << store.error().to_string();
    return store ? std::move(*store) : nullptr;
}

} // namespace heregoes::store::testing
