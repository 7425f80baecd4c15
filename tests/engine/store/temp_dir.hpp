#pragma once

// A fresh directory under the system temp dir for one test, removed with everything in it when the
// test ends, so store tests never share or leave files.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace heregoes::store::testing {

class temp_dir {
public:
    temp_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "heregoes-store-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory");
        }
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace heregoes::store::testing
