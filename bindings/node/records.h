// The engine's import/export record formats (include/ruvector/record_io.h) as module
// functions, for the `ruvector` command line tool. Synchronous (they run on the JS
// thread: the CLI has nothing else to do meanwhile); errors are thrown with `.code`.
#pragma once

#include <napi.h>

namespace rvnode {

// (bytes: Uint8Array, format: string, optionsJson: string) ->
// [dimensions, vectors: Float32Array (rows x dimensions), ids: string[] ('' = none),
//  metadata: JSON text of an array (null per row without), positions: Float64Array
//  (line or row of each row), lineNumbers: boolean]. options: {source, dimensions,
// idPrefix (string | null), maxRows} (all optional).
Napi::Value ReadRecords(const Napi::CallbackInfo& info);
// (text, isPath) -> canonical format name ("json", ..., "snapshot"): of a format name
// (any case, aliases), or of a file name's extension when isPath.
Napi::Value RecordFormatName(const Napi::CallbackInfo& info);
// (text) -> Float32Array: a vector typed on the command line.
Napi::Value ParseVectorText(const Napi::CallbackInfo& info);
// (snapshotBytes: Uint8Array, source: string) -> Uint8Array of JSON Lines.
Napi::Value SnapshotToJsonl(const Napi::CallbackInfo& info);

}  // namespace rvnode
