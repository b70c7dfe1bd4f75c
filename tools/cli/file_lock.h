// The lock a writing command takes on a snapshot file used as a database: the file
// `<path>.lock`, created exclusively, holding the writer's process id (the protocol of the
// JS command, npm/ruvector/lib/cli/store.mjs, so the two tools exclude each other). A lock
// whose process is gone is stale and taken over. Released (the file removed) on
// destruction.
#pragma once

#include <memory>
#include <string>

#include "ruvector/result.h"

namespace ruvector::cli {

class FileLock {
 public:
  // LOCKED naming the holder when a live process holds it; IO_ERROR when the lock file
  // cannot be created.
  static Result<std::unique_ptr<FileLock>> take(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(std::string lock_path) : lock_path_(std::move(lock_path)) {}
  std::string lock_path_;
};

}  // namespace ruvector::cli
