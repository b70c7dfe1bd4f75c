// PRIVATE header. What a `storage_path` names, before anything is opened: the layouts
// a durable database can have (docs/storage.md, "Layouts").
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "ruvector/result.h"

namespace ruvector::detail {

enum class StoreKind {
  kMissing,        // nothing there yet: a new store is created (layout: store_is_single_file)
  kDirectory,      // a directory store (data.mdb, lock.mdb, writer.lock)
  kFile,           // a single-file LMDB store, or an empty file (a new single-file store)
  kReferenceFile,  // a database file of the reference system (redb): imported beside it
};

struct StoreLocation {
  StoreKind kind = StoreKind::kMissing;
  // (st_dev, st_ino) of the existing path; identifies the store whatever path spelling
  // (relative, absolute, symlink) named it. {0, 0} when missing.
  std::pair<std::uint64_t, std::uint64_t> identity{0, 0};
  bool empty_file = false;  // kFile of 0 bytes: no database yet
};

// Errors: INVALID_ARGUMENT (a file that is neither an LMDB store nor a reference file, or
// something that is neither a file nor a directory), IO_ERROR.
Result<StoreLocation> locate_store(const std::string& path);

// The layout of a store created at a missing `path`: a single file when the last path
// component has an extension ("vectors.db", "data.ruv"), a directory otherwise ("db",
// "./data") or when the path ends with '/'.
bool new_store_is_single_file(const std::string& path);

// The ruvector store that holds the import of reference file `path`: `path`.ruvector.
std::string reference_import_path(const std::string& path);

// Whether another process holds the writer lock of the existing store at `path` (the
// flock() of writer.lock or of the single file): LOCKED naming it, or OK. Takes the lock
// for an instant and releases it. A store this process holds is not checked here.
Status probe_writer_lock(const std::string& path, StoreKind kind);

}  // namespace ruvector::detail
