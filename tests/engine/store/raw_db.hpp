#pragma once

// A plain SQLite connection to a store's file, for tests that write a file as an older build left
// it, or read rows back to see what the store wrote.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace heregoes::store::testing {

// A plain connection to the store's file, for writing old schemas and reading rows back.
class raw_db {
public:
    explicit raw_db(const std::filesystem::path& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
            sqlite3_close(db_);
            throw std::runtime_error("cannot open " + path.string());
        }
    }
    ~raw_db() { sqlite3_close(db_); }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;

    // Runs SQL with no parameters; the error message, or empty when it worked.
    std::string exec(const std::string& sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) {
            return "";
        }
        std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        return text;
    }

    // Runs one statement with blob or integer parameters (?1, ?2, ...; nullopt binds NULL).
    using value = std::optional<std::variant<std::int64_t, std::string>>;
    bool run(const char* sql, const std::vector<value>& values) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
            return false;
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int index = static_cast<int>(i + 1);
            if (!values[i]) {
                sqlite3_bind_null(s, index);
            } else if (const auto* n = std::get_if<std::int64_t>(&*values[i])) {
                sqlite3_bind_int64(s, index, *n);
            } else {
                const auto& bytes = std::get<std::string>(*values[i]);
                sqlite3_bind_blob64(s, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
            }
        }
        const bool ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_finalize(s);
        return ok;
    }

    // Every row of a query, each column as text ("NULL" for NULL).
    std::vector<std::vector<std::string>> rows(const char* sql) {
        std::vector<std::vector<std::string>> out;
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("cannot prepare: ") + sqlite3_errmsg(db_));
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int c = 0; c < sqlite3_column_count(s); ++c) {
                const unsigned char* text = sqlite3_column_text(s, c);
                row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(s);
        return out;
    }

    // The first column of the first row of a query, as a number (0 when there is no row).
    std::int64_t number(const char* sql) {
        auto all = rows(sql);
        return all.empty() ? 0 : std::stoll(all[0][0]);
    }

private:
    sqlite3* db_ = nullptr;
};

// Takes a file this build created back to schema 4, as a schema-4 build would have created it:
// migration 5 only added the sessions table's two trim marks. The error message, or empty.
inline std::string downgrade_to_schema_4(raw_db& db) {
    return db.exec("ALTER TABLE sessions DROP COLUMN trim_mark;"
                   "ALTER TABLE sessions DROP COLUMN trim_mark_next;"
                   "PRAGMA user_version=4;");
}

// Takes a file this build created back to schema 3, as a schema-3 build would have created it:
// migration 4 only added the replay table's `form` column. The error message, or empty.
inline std::string downgrade_to_schema_3(raw_db& db) {
    if (std::string failed = downgrade_to_schema_4(db); !failed.empty()) {
        return failed;
    }
    return db.exec("ALTER TABLE replay DROP COLUMN form; PRAGMA user_version=3;");
}

} // namespace heregoes::store::testing
