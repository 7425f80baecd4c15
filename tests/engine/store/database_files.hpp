#pragma once

// Reading a SQLite store's files as raw bytes, for tests that check what reaches the disk: a
// sealed blob that was erased must be gone from the database, its write-ahead log and its
// shared-memory index alike.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace heregoes::store::testing {

// Every byte of the database at `db`, its write-ahead log and its shared-memory index, in one
// string; a file that does not exist adds nothing.
inline std::string all_file_bytes(const std::filesystem::path& db) {
    std::string bytes;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::ifstream in(db.string() + suffix, std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

} // namespace heregoes::store::testing
