// Plain value types crossing the Database API.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ruvector/json.h"

namespace ruvector {

// Limits: larger dimensions or ids are INVALID_ARGUMENT.
inline constexpr std::uint32_t kMaxDimensions = 65536;
inline constexpr std::size_t kMaxIdBytes = 511;  // fits an LMDB key

// An entry to insert. Non-owning view of the vector: it must stay valid for the call.
struct Entry {
  // Empty = the engine generates a UUID v4. An existing id is replaced (upsert):
  // its vector and metadata are both replaced.
  std::string id;
  std::span<const float> vector;
  // A JSON object, or null for "no metadata". Anything else is INVALID_ARGUMENT.
  Json metadata;
};

// A stored entry, as returned by get().
struct Record {
  std::string id;
  std::vector<float> vector;
  Json metadata;  // null when the entry has none
  // True when `vector` is the decoded code, not the float vector that was inserted: the
  // database dropped its floats (FloatPlacement::kDrop), or was loaded from a snapshot
  // of such a database (docs/quantization.md).
  bool vector_decoded = false;
};

struct SearchQuery {
  std::span<const float> vector;  // non-owning; valid for the call
  std::size_t k = 10;             // >= 1; larger than size() returns everything
  // Candidate list size for this query; unset = the database's ef_search. Always >= k.
  std::optional<std::uint32_t> ef_search;
  // Re-ranking factor for this query (quantized databases); unset = the database's
  // rescore. 0 = return the codes' estimated scores without re-ranking. 0..kMaxRescore.
  std::optional<std::uint32_t> rescore;
  // Mongo-style filter over metadata (docs/filters.md); null = no filter.
  Json filter;
  bool include_vector = false;
  bool include_metadata = false;       // SearchHit::metadata, parsed (a copy of the stored tree)
  bool include_metadata_json = false;  // SearchHit::metadata_json, the stored JSON text (cheaper)
};

struct SearchHit {
  std::string id;
  float score = 0;             // distance: lower is better
  std::vector<float> vector;   // empty unless include_vector (decoded: see DatabaseInfo::vectors_decoded)
  Json metadata;               // null unless include_metadata (and present)
  // The metadata's JSON text (an object) as stored; empty unless include_metadata_json
  // and present.
  std::string metadata_json;
};

}  // namespace ruvector
