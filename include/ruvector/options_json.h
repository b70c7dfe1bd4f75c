// The canonical JSON form of DatabaseOptions and DatabaseInfo.
//
// This is the one mapping between the engine's typed settings and the camelCase names
// every JavaScript face shows (the Node addon and the wasm build both call it; the JS
// contract layer turns user spellings and aliases into this canonical form first, see
// docs/js-contract.md). Canonical option keys:
//
//   dimensions    integer                      -> DatabaseOptions::dimensions
//   metric        string (parse_metric)        -> DatabaseOptions::metric
//   index         string (parse_index_kind)    -> DatabaseOptions::index
//   storagePath   string                       -> DatabaseOptions::storage_path
//   readOnly      boolean                      -> DatabaseOptions::read_only
//   threads       integer                      -> DatabaseOptions::threads
//   quantization  string (parse_quantization: none|int8|scalar|binary; product is
//                 UNSUPPORTED)                 -> DatabaseOptions::quantization
//   rescore       integer 0..100               -> DatabaseOptions::rescore
//   hnsw          object {m, efConstruction, efSearch, maxElements, seed} (integers;
//                 unset members keep the HnswParams defaults, or the stored values when
//                 the object is absent)
//
// null members count as absent. Any other key, or a value of the wrong JSON type, is
// INVALID_ARGUMENT naming the key (the contract layer filters user input before it gets
// here, so this only fires on a binding bug or a hand-written canonical object). Value
// ranges (dimensions 1..65536, m 2..256, ...) are checked later by Database::open.
#pragma once

#include "ruvector/database.h"
#include "ruvector/json.h"
#include "ruvector/options.h"
#include "ruvector/result.h"

namespace ruvector {

Result<DatabaseOptions> database_options_from_json(const Json& options);

// {dimensions, metric, index, hnswConfig: {m, efConstruction, efSearch, maxElements},
//  quantization, rescore, codesTrainedOn, count, storage, indexSource, memoryBytes,
//  memory: {codes, floats, graph, ids, metadata}}: the info() object of every JS face.
Json database_info_to_json(const DatabaseInfo& info);

}  // namespace ruvector
