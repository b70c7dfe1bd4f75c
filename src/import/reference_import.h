// PRIVATE header. A database file of the reference system opened as a ruvector
// database: its records are imported into a single-file ruvector store beside it
// (`<file>.ruvector`), which is the database from then on; the reference file is only
// read. docs/storage.md ("Reference database files") has the rules.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ruvector/options.h"
#include "ruvector/result.h"
#include "ruvector/storage.h"

namespace ruvector::detail {

// Opens the store holding the import of reference file `path`, importing first when
// there is none yet, when an import was interrupted, or when the reference file changed
// since the import and the import has had no writes of its own. Settings come from the
// reference file's config (dimensions, metric, HNSW); a file without config takes its
// dimensions from the vectors (else options.dimensions) and the metric from
// options.metric (default cosine), as the reference does.
// Errors: LOCKED (a reference process holds the file, or another process writes the
// import), ALREADY_EXISTS (the file changed after an import that has writes of its own),
// NOT_FOUND (read-only open of a file never imported), CORRUPTION (damaged file),
// UNSUPPORTED (records ruvector cannot hold: empty or over-long ids, non-finite values),
// INVALID_ARGUMENT (no dimensions anywhere), IO_ERROR.
Result<std::shared_ptr<Storage>> open_reference_import(const std::string& path, const DatabaseOptions& options);

// Every check open_reference_import makes before it writes anything: locks, the file's
// header, the state of an existing import and, when the open would import, the whole
// file. Returns the settings an import would create (dimensions, metric, hnsw), or
// nullopt when the open uses the existing import (whose stored settings apply).
Result<std::optional<DatabaseOptions>> check_reference_import(const std::string& path, const DatabaseOptions& options);

struct ReferenceDatabase;
// The options an import of `ref` creates its store with (see open_reference_import).
// INVALID_ARGUMENT when neither the file nor `options` gives the dimensions.
Result<DatabaseOptions> reference_import_options(const ReferenceDatabase& ref, const std::string& path,
                                                 const DatabaseOptions& options);

}  // namespace ruvector::detail
