// PRIVATE header. Whole-file reads and crash-safe whole-file writes.
#pragma once

#include <string>
#include <string_view>

#include "ruvector/result.h"

namespace ruvector::detail {

// NOT_FOUND when missing, IO_ERROR otherwise.
Result<std::string> read_file(const std::string& path);

// Writes to `path.tmp-<pid>`, flushes it to disk, then renames it over `path`, so a
// crash leaves either the old file or the new one, never a torn one. On failure the
// temporary file is removed and `path` is untouched. Goes through current_io_env().
Status write_file_atomically(const std::string& path, std::string_view bytes);

// fsyncs directory `dir` (making new entries in it durable); false on failure.
// Goes through current_io_env().
bool fsync_directory(const std::string& dir);

}  // namespace ruvector::detail
