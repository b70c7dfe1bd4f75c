// Entry point of ruvector-redis.so: registers the "ruvec-set" type and the
// vector-sets commands. Loads into Redis 7.x; refuses Redis >= 8, whose built-in
// vector sets own the same command names (docs/scale-out.md).
//
// Module arguments: THREADS n — VSIM worker threads (default 4, 1..64).
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "redismodule.h"
#include "search_pool.h"
#include "vector_set.h"

namespace ruvector::redis {
std::size_t early_allocations() noexcept;
}  // namespace ruvector::redis

namespace {

int load(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  using namespace ruvector::redis;
  if (RedisModule_Init(ctx, "ruvector", 1, REDISMODULE_APIVER_1) == REDISMODULE_ERR) return REDISMODULE_ERR;
  const int version = RedisModule_GetServerVersion();
  if (version >= 0x080000) {
    RedisModule_Log(ctx, "warning",
                    "ruvector: this server is Redis %d.%d, which has built-in vector sets with the same command "
                    "names (VADD, VSIM, ...); ruvector-redis is for Redis 7.x and does not load. Use the built-in "
                    "vector sets, or Redis 7.x with this module.",
                    version >> 16, (version >> 8) & 0xff);
    return REDISMODULE_ERR;
  }
  unsigned threads = 4;
  for (int i = 0; i < argc; ++i) {
    std::size_t len = 0;
    const char* a = RedisModule_StringPtrLen(argv[i], &len);
    long long n = 0;
    if (len == 7 && strncasecmp(a, "THREADS", 7) == 0 && i + 1 < argc &&
        RedisModule_StringToLongLong(argv[i + 1], &n) == REDISMODULE_OK && n >= 1 && n <= 64) {
      threads = static_cast<unsigned>(n);
      ++i;
    } else {
      RedisModule_Log(ctx, "warning", "ruvector: unknown module argument '%.*s' (expected THREADS n, 1..64)",
                      static_cast<int>(len), a);
      return REDISMODULE_ERR;
    }
  }
  // HANDLE_IO_ERRORS: rdb_load checks every read and rejects damaged payloads, so Redis may
  // load RDB streams straight from a socket (diskless replica load). HANDLE_REPL_ASYNC_LOAD:
  // the module keeps no global per-key state, so a replica may load a new data set beside
  // the old one while serving it (repl-diskless-load swapdb).
  RedisModule_SetModuleOptions(ctx, REDISMODULE_OPTIONS_HANDLE_IO_ERRORS | REDISMODULE_OPTIONS_HANDLE_REPL_ASYNC_LOAD);
  if (register_vector_set_type(ctx) != REDISMODULE_OK) {
    RedisModule_Log(ctx, "warning", "ruvector: could not register the data type '%s'", kTypeName);
    return REDISMODULE_ERR;
  }
  if (register_commands(ctx) != REDISMODULE_OK) {
    RedisModule_Log(ctx, "warning", "ruvector: could not register the commands (names taken by another module?)");
    return REDISMODULE_ERR;
  }
  start_search_pool(threads);
  RedisModule_Log(ctx, "notice", "ruvector: loaded (%u VSIM threads; %zu allocations made before the API was ready)",
                  threads, early_allocations());
  return REDISMODULE_OK;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int RedisModule_OnLoad(RedisModuleCtx* ctx, RedisModuleString** argv,
                                                                         int argc) {
  try {
    return load(ctx, argv, argc);
  } catch (...) {
    return REDISMODULE_ERR;
  }
}
