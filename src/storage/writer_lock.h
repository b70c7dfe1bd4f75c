// PRIVATE header. The writer lock of a database directory: one writer process per
// directory. A writable open takes an exclusive, non-blocking flock() on
// `<dir>/writer.lock` and writes its pid there for the error message of the next one.
#pragma once

#include <string>

#include "ruvector/result.h"

namespace ruvector::detail {

inline constexpr const char* kWriterLockName = "writer.lock";

// Takes the lock and returns the locked descriptor (the caller closes it to release
// the lock). LOCKED, naming the holder's pid when known, if another open file
// description holds it (another process, or another open in this one); IO_ERROR when
// the file cannot be opened or locked. `shown` is the directory as the caller spelled it.
// `single_file`: `dir` is the data file of a single-file store; the flock() is on the
// data file itself (LMDB locks only its `-lock` file, with fcntl(), which does not
// interact with flock()) and no pid is recorded.
Result<int> take_writer_lock(const std::string& dir, const std::string& shown, bool single_file = false);

}  // namespace ruvector::detail
