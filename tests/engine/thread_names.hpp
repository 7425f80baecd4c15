#pragma once

// The names of this process's threads as the kernel shows them (/proc/self/task/*/comm), for tests
// that check a thread is named for what it does: stack snapshots and `top -H` show these names.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace heregoes::testing {

// Every thread's name, in no particular order.
inline std::vector<std::string> thread_names() {
    std::vector<std::string> names;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        names.push_back(name);
    }
    return names;
}

// Whether some thread of this process is named `name`.
inline bool has_thread_named(const std::string& name) {
    for (const auto& n : thread_names()) {
        if (n == name) {
            return true;
        }
    }
    return false;
}

} // namespace heregoes::testing
