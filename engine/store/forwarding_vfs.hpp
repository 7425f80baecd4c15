#pragma once

// A SQLite VFS that wraps another one and forwards every call to it, for the store's own file
// layer (wal_coalescing_vfs) and the tests' fault-injecting one. A subclass says what a file it
// opens is (a forwarding_file subclass, built in the memory SQLite gives for the file) and
// overrides only the calls it changes; everything else reaches the wrapped VFS's file unchanged.
// SQLite holds a small header in front of that object, so the object itself can be polymorphic.

#include <sqlite3.h>

#include <cstddef>
#include <string>

namespace heregoes::store {

// One file opened through a forwarding_vfs. Each call defaults to forwarding to the wrapped VFS's
// file; a subclass overrides the ones it changes and calls these to pass a call on.
class forwarding_file {
public:
    forwarding_file() = default;
    forwarding_file(const forwarding_file&) = delete;
    forwarding_file& operator=(const forwarding_file&) = delete;
    virtual ~forwarding_file() = default;

    // The sqlite3_io_methods calls, by the same names without the x; each forwards.
    virtual int close();
    virtual int read(void* out, int size, sqlite3_int64 offset);
    virtual int write(const void* data, int size, sqlite3_int64 offset);
    virtual int truncate(sqlite3_int64 size);
    virtual int sync(int flags);
    virtual int file_size(sqlite3_int64* size);
    virtual int lock(int level);
    virtual int unlock(int level);
    virtual int check_reserved_lock(int* out);
    virtual int file_control(int op, void* arg);
    virtual int sector_size();
    virtual int device_characteristics();
    virtual int shm_map(int page, int page_size, int extend, void volatile** out);
    virtual int shm_lock(int offset, int n, int flags);
    virtual void shm_barrier();
    virtual int shm_unmap(int delete_flag);
    virtual int fetch(sqlite3_int64 offset, int size, void** out);
    virtual int unfetch(sqlite3_int64 offset, void* p);

protected:
    // The wrapped VFS's own file.
    sqlite3_file* inner() const { return inner_; }

private:
    friend class forwarding_vfs;
    sqlite3_file* inner_ = nullptr;
};

// A VFS wrapping `base`: every VFS call but xOpen goes straight to the base's functions (which
// read their settings from its pAppData, so the copy keeps it); xOpen builds the subclass's file
// in front of the base's own file object. An instance must not move once registered.
class forwarding_vfs {
public:
    // Wraps `base`. `file_bytes` is the size of the subclass's file type; files offer the io
    // methods up to `max_io_version` (2 leaves out memory mapping, 3 offers it) and never beyond
    // what the base's file offers.
    forwarding_vfs(sqlite3_vfs* base, std::size_t file_bytes, int max_io_version);
    forwarding_vfs(const forwarding_vfs&) = delete;
    forwarding_vfs& operator=(const forwarding_vfs&) = delete;
    virtual ~forwarding_vfs() = default;

    // Registers the VFS with SQLite under `name` (not as the default); SQLite's result code.
    int register_as(std::string name);
    // The name it was registered under, for sqlite3_open_v2.
    const char* name() const { return name_.c_str(); }

protected:
    // Builds the file object SQLite opens as `flags` (SQLITE_OPEN_*) at `where` (file_bytes
    // bytes, 16-byte aligned) with placement new, before the base VFS opens its own file.
    virtual forwarding_file* make_file(void* where, int flags) = 0;

private:
    // What SQLite holds for the VFS: `object` first, so its pointer leads back to the owner.
    struct registration {
        sqlite3_vfs object;
        forwarding_vfs* owner;
    };

    static int x_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out);

    sqlite3_vfs* base_;
    std::size_t file_offset_;
    std::size_t inner_offset_;
    int max_io_version_;
    std::string name_;
    registration registration_{};
};

} // namespace heregoes::store
