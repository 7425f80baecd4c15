// The forwarding VFS (see the header). SQLite's memory for each file holds, in this order: a
// `file_slot` (the sqlite3_file SQLite sees, and a pointer to the file object), the subclass's file
// object, and the wrapped VFS's own file. Each io method is a plain function that finds the file
// object through the slot and calls its virtual method.

#include "engine/store/forwarding_vfs.hpp"

#include <algorithm>
#include <utility>

namespace heregoes::store {
namespace {

struct file_slot {
    sqlite3_file base; // first: this is what SQLite holds
    forwarding_file* file;
};

forwarding_file& file_of(sqlite3_file* f) {
    return *reinterpret_cast<file_slot*>(f)->file;
}

// Rounds up to the alignment SQLite gives its own allocations.
constexpr std::size_t aligned(std::size_t bytes) {
    return (bytes + 15) / 16 * 16;
}

int x_close(sqlite3_file* f) {
    forwarding_file& file = file_of(f);
    const int rc = file.close();
    file.~forwarding_file();
    return rc;
}
int x_read(sqlite3_file* f, void* out, int size, sqlite3_int64 offset) {
    return file_of(f).read(out, size, offset);
}
int x_write(sqlite3_file* f, const void* data, int size, sqlite3_int64 offset) {
    return file_of(f).write(data, size, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    return file_of(f).truncate(size);
}
int x_sync(sqlite3_file* f, int flags) {
    return file_of(f).sync(flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    return file_of(f).file_size(size);
}
int x_lock(sqlite3_file* f, int level) {
    return file_of(f).lock(level);
}
int x_unlock(sqlite3_file* f, int level) {
    return file_of(f).unlock(level);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
    return file_of(f).check_reserved_lock(out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
    return file_of(f).file_control(op, arg);
}
int x_sector_size(sqlite3_file* f) {
    return file_of(f).sector_size();
}
int x_device_characteristics(sqlite3_file* f) {
    return file_of(f).device_characteristics();
}
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
    return file_of(f).shm_map(page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return file_of(f).shm_lock(offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
    file_of(f).shm_barrier();
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
    return file_of(f).shm_unmap(delete_flag);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int size, void** out) {
    return file_of(f).fetch(offset, size, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    return file_of(f).unfetch(offset, p);
}

// One table per version of the io_methods struct, so a file offers exactly the methods its
// version has (shared memory from version 2, memory mapping from version 3).
constexpr sqlite3_io_methods methods_of_version(int version) {
    return {
        version,
        x_close,
        x_read,
        x_write,
        x_truncate,
        x_sync,
        x_file_size,
        x_lock,
        x_unlock,
        x_check_reserved_lock,
        x_file_control,
        x_sector_size,
        x_device_characteristics,
        version >= 2 ? x_shm_map : nullptr,
        version >= 2 ? x_shm_lock : nullptr,
        version >= 2 ? x_shm_barrier : nullptr,
        version >= 2 ? x_shm_unmap : nullptr,
        version >= 3 ? x_fetch : nullptr,
        version >= 3 ? x_unfetch : nullptr,
    };
}
constexpr sqlite3_io_methods methods_by_version[] = {
    methods_of_version(1), methods_of_version(2), methods_of_version(3)};

} // namespace

int forwarding_file::close() {
    return inner_->pMethods != nullptr ? inner_->pMethods->xClose(inner_) : SQLITE_OK;
}
int forwarding_file::read(void* out, int size, sqlite3_int64 offset) {
    return inner_->pMethods->xRead(inner_, out, size, offset);
}
int forwarding_file::write(const void* data, int size, sqlite3_int64 offset) {
    return inner_->pMethods->xWrite(inner_, data, size, offset);
}
int forwarding_file::truncate(sqlite3_int64 size) {
    return inner_->pMethods->xTruncate(inner_, size);
}
int forwarding_file::sync(int flags) {
    return inner_->pMethods->xSync(inner_, flags);
}
int forwarding_file::file_size(sqlite3_int64* size) {
    return inner_->pMethods->xFileSize(inner_, size);
}
int forwarding_file::lock(int level) {
    return inner_->pMethods->xLock(inner_, level);
}
int forwarding_file::unlock(int level) {
    return inner_->pMethods->xUnlock(inner_, level);
}
int forwarding_file::check_reserved_lock(int* out) {
    return inner_->pMethods->xCheckReservedLock(inner_, out);
}
int forwarding_file::file_control(int op, void* arg) {
    return inner_->pMethods->xFileControl(inner_, op, arg);
}
int forwarding_file::sector_size() {
    return inner_->pMethods->xSectorSize(inner_);
}
int forwarding_file::device_characteristics() {
    return inner_->pMethods->xDeviceCharacteristics(inner_);
}
int forwarding_file::shm_map(int page, int page_size, int extend, void volatile** out) {
    return inner_->pMethods->xShmMap(inner_, page, page_size, extend, out);
}
int forwarding_file::shm_lock(int offset, int n, int flags) {
    return inner_->pMethods->xShmLock(inner_, offset, n, flags);
}
void forwarding_file::shm_barrier() {
    inner_->pMethods->xShmBarrier(inner_);
}
int forwarding_file::shm_unmap(int delete_flag) {
    return inner_->pMethods->xShmUnmap(inner_, delete_flag);
}
int forwarding_file::fetch(sqlite3_int64 offset, int size, void** out) {
    return inner_->pMethods->xFetch(inner_, offset, size, out);
}
int forwarding_file::unfetch(sqlite3_int64 offset, void* p) {
    return inner_->pMethods->xUnfetch(inner_, offset, p);
}

forwarding_vfs::forwarding_vfs(sqlite3_vfs* base, std::size_t file_bytes, int max_io_version)
    : base_(base)
    , file_offset_(aligned(sizeof(file_slot)))
    , inner_offset_(file_offset_ + aligned(file_bytes))
    , max_io_version_(std::clamp(max_io_version, 1, 3)) {
}

int forwarding_vfs::register_as(std::string name) {
    name_ = std::move(name);
    registration_.object = *base_;
    registration_.object.zName = name_.c_str();
    registration_.object.szOsFile = static_cast<int>(inner_offset_) + base_->szOsFile;
    registration_.object.pNext = nullptr;
    registration_.object.xOpen = x_open;
    registration_.owner = this;
    return sqlite3_vfs_register(&registration_.object, 0);
}

int forwarding_vfs::x_open(
    sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out) {
    forwarding_vfs& self = *reinterpret_cast<registration*>(vfs)->owner;
    char* bytes = reinterpret_cast<char*>(file);
    auto* slot = reinterpret_cast<file_slot*>(file);
    slot->base.pMethods = nullptr;
    auto* inner = reinterpret_cast<sqlite3_file*>(bytes + self.inner_offset_);
    inner->pMethods = nullptr;
    forwarding_file* f = self.make_file(bytes + self.file_offset_, flags);
    f->inner_ = inner;
    slot->file = f;
    const int rc = self.base_->xOpen(self.base_, name, inner, flags, out);
    if (rc != SQLITE_OK || inner->pMethods == nullptr) {
        // SQLite does not close a file whose open failed, so nothing else runs the destructor.
        if (inner->pMethods != nullptr) {
            inner->pMethods->xClose(inner);
        }
        f->~forwarding_file();
        file->pMethods = nullptr;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    const int version = std::clamp(inner->pMethods->iVersion, 1, self.max_io_version_);
    file->pMethods = &methods_by_version[version - 1];
    return SQLITE_OK;
}

} // namespace heregoes::store
