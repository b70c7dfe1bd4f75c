#include "vector_set.h"

#include <exception>

namespace ruvector::redis {

RedisModuleType* g_vector_set_type = nullptr;

namespace {

constexpr std::uint64_t kPayloadVersion = 1;

DatabaseInfo info_of(const VectorSet& set) { return set.db ? set.db->info() : DatabaseInfo{}; }

void rdb_save(RedisModuleIO* io, void* value) {
  auto* set = static_cast<VectorSet*>(value);
  RedisModule_SaveUnsigned(io, kPayloadVersion);
  try {
    if (set->db) {
      Status st = set->db->serialize_to(
          [&](std::string_view piece) {
            RedisModule_SaveStringBuffer(io, piece.data(), piece.size());
            return Status::Ok();
          },
          kChunkBytes);
      if (!st.ok()) RedisModule_LogIOError(io, "warning", "ruvector: saving a set failed: %s", st.message().c_str());
    }
  } catch (const std::exception& e) {
    RedisModule_LogIOError(io, "warning", "ruvector: saving a set failed: %s", e.what());
  } catch (...) {
    RedisModule_LogIOError(io, "warning", "ruvector: saving a set failed");
  }
  RedisModule_SaveStringBuffer(io, "", 0);
}

void* rdb_load(RedisModuleIO* io, int encver) {
  if (encver != kEncodingVersion) {
    RedisModule_LogIOError(io, "warning", "ruvector: unknown encoding version %d", encver);
    return nullptr;
  }
  try {
    const std::uint64_t version = RedisModule_LoadUnsigned(io);
    if (RedisModule_IsIOError(io) || version != kPayloadVersion) {
      RedisModule_LogIOError(io, "warning", "ruvector: unsupported payload version");
      return nullptr;
    }
    // Pieces go straight into the engine's streaming decoder: the whole payload is never
    // in memory at once.
    bool io_error = false;
    auto db = Database::deserialize_stream(
        [&]() -> Result<std::string> {
          std::size_t len = 0;
          char* chunk = RedisModule_LoadStringBuffer(io, &len);
          if (RedisModule_IsIOError(io) || chunk == nullptr) {
            if (chunk != nullptr) RedisModule_Free(chunk);
            io_error = true;
            return Status::IoError("truncated RDB payload");
          }
          std::string piece(chunk, len);
          RedisModule_Free(chunk);
          return piece;
        },
        load_options());
    if (io_error) return nullptr;
    if (!db.ok()) {
      RedisModule_LogIOError(io, "warning", "ruvector: rejected a set: %s", db.status().message().c_str());
      return nullptr;
    }
    auto* set = new VectorSet();
    attach(*set, std::shared_ptr<Database>(std::move(db).value()));
    return set;
  } catch (const std::exception& e) {
    RedisModule_LogIOError(io, "warning", "ruvector: loading a set failed: %s", e.what());
  } catch (...) {
    RedisModule_LogIOError(io, "warning", "ruvector: loading a set failed");
  }
  return nullptr;
}

void aof_rewrite(RedisModuleIO* aof, RedisModuleString* key, void* value) {
  auto* set = static_cast<VectorSet*>(value);
  if (!set->db) return;  // an unfinished restore has nothing to rewrite
  try {
    long long seq = 0;
    Status st = set->db->serialize_to(
        [&](std::string_view piece) {
          RedisModule_EmitAOF(aof, "RV.RESTORECHUNK", "slb", key, seq++, piece.data(), piece.size());
          return Status::Ok();
        },
        kChunkBytes);
    if (!st.ok()) {
      RedisModule_LogIOError(aof, "warning", "ruvector: AOF rewrite of a set failed: %s", st.message().c_str());
      return;
    }
    RedisModule_EmitAOF(aof, "RV.RESTORECHUNK", "slb", key, seq, "", static_cast<std::size_t>(0));
  } catch (...) {
    RedisModule_LogIOError(aof, "warning", "ruvector: AOF rewrite of a set failed");
  }
}

std::size_t mem_usage(const void* value) {
  const auto* set = static_cast<const VectorSet*>(value);
  try {
    return sizeof(VectorSet) + set->restore_bytes.capacity() + info_of(*set).memory_bytes;
  } catch (...) {
    return sizeof(VectorSet);
  }
}

// Order-independent: each element (name, vector bytes, attributes) is its own sequence.
void digest(RedisModuleDigest* md, void* value) {
  auto* set = static_cast<VectorSet*>(value);
  if (!set->db) return;
  try {
    (void)set->db->for_each([&](const Record& r) {
      RedisModule_DigestAddStringBuffer(md, r.id.data(), r.id.size());
      RedisModule_DigestAddStringBuffer(md, reinterpret_cast<const char*>(r.vector.data()),
                                        r.vector.size() * sizeof(float));
      const std::string attrs = r.metadata.is_null() ? std::string() : r.metadata.dump();
      RedisModule_DigestAddStringBuffer(md, attrs.data(), attrs.size());
      RedisModule_DigestEndSequence(md);
      return Status::Ok();
    });
  } catch (...) {
  }
}

void free_set(void* value) { delete static_cast<VectorSet*>(value); }

// UNLINK / lazyfree free large sets on a background thread.
std::size_t free_effort(RedisModuleString*, const void* value) {
  const auto* set = static_cast<const VectorSet*>(value);
  try {
    return set->db ? set->db->size() + 1 : 1;
  } catch (...) {
    return 1;
  }
}

void* copy_set(RedisModuleString*, RedisModuleString*, const void* value) {
  const auto* set = static_cast<const VectorSet*>(value);
  try {
    auto* out = new VectorSet();
    if (set->db) {
      auto bytes = set->db->serialize();
      if (!bytes.ok()) {
        delete out;
        return nullptr;
      }
      auto db = Database::deserialize(*bytes, load_options());
      if (!db.ok()) {
        delete out;
        return nullptr;
      }
      attach(*out, std::shared_ptr<Database>(std::move(db).value()));
    } else {
      out->restore_bytes = set->restore_bytes;
      out->restore_next = set->restore_next;
    }
    return out;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

void attach(VectorSet& set, std::shared_ptr<Database> db) {
  const DatabaseInfo info = db->info();
  set.dimensions = info.dimensions;
  set.m = info.hnsw.m;
  set.quantization = info.quantization;
  set.db = std::move(db);
}

DatabaseOptions load_options() {
  DatabaseOptions o;
  o.threads = 1;
  return o;
}

int register_vector_set_type(RedisModuleCtx* ctx) {
  RedisModuleTypeMethods tm{};
  tm.version = REDISMODULE_TYPE_METHOD_VERSION_3;
  tm.rdb_load = rdb_load;
  tm.rdb_save = rdb_save;
  tm.aof_rewrite = aof_rewrite;
  tm.mem_usage = mem_usage;
  tm.digest = digest;
  tm.free = free_set;
  tm.free_effort = free_effort;
  tm.copy = copy_set;
  g_vector_set_type = RedisModule_CreateDataType(ctx, kTypeName, kEncodingVersion, &tm);
  return g_vector_set_type == nullptr ? REDISMODULE_ERR : REDISMODULE_OK;
}

}  // namespace ruvector::redis
