/* ruvector's own minimal declaration of the Redis module API (APIVER_1), written from the
 * public "Modules API reference" for the subset the ruvector module calls. It is not
 * Redis's redismodule.h. Every function is resolved by name at load time through the
 * server's RedisModule_GetApi; a name the server does not know stays NULL.
 *
 * ABI facts used here (fixed by the server, checked by loading the module into Debian's
 * redis-server 7.0.15 in scripts/test-redis.sh): the first word of a module context is
 * the GetApi function; the type-methods struct layout of method version 3; the flag and
 * key-type constants below. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define REDISMODULE_OK 0
#define REDISMODULE_ERR 1
#define REDISMODULE_APIVER_1 1

#define REDISMODULE_READ (1 << 0)
#define REDISMODULE_WRITE (1 << 1)

#define REDISMODULE_KEYTYPE_EMPTY 0
#define REDISMODULE_KEYTYPE_MODULE 6

#define REDISMODULE_POSTPONED_LEN -1

#define REDISMODULE_CTX_FLAGS_LUA (1 << 0)
#define REDISMODULE_CTX_FLAGS_MULTI (1 << 1)
#define REDISMODULE_CTX_FLAGS_REPLICATED (1 << 12)
#define REDISMODULE_CTX_FLAGS_LOADING (1 << 13)
#define REDISMODULE_CTX_FLAGS_DENY_BLOCKING (1 << 21)
#define REDISMODULE_CTX_FLAGS_RESP3 (1 << 22)

#define REDISMODULE_OPTIONS_HANDLE_IO_ERRORS (1 << 0)
#define REDISMODULE_OPTIONS_HANDLE_REPL_ASYNC_LOAD (1 << 2)

#define REDISMODULE_TYPE_METHOD_VERSION_3 3

#define REDISMODULE_ERRORMSG_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"

typedef struct RedisModuleCtx RedisModuleCtx;
typedef struct RedisModuleKey RedisModuleKey;
typedef struct RedisModuleString RedisModuleString;
typedef struct RedisModuleIO RedisModuleIO;
typedef struct RedisModuleDigest RedisModuleDigest;
typedef struct RedisModuleType RedisModuleType;
typedef struct RedisModuleBlockedClient RedisModuleBlockedClient;
typedef struct RedisModuleDefragCtx RedisModuleDefragCtx;

typedef int (*RedisModuleCmdFunc)(RedisModuleCtx* ctx, RedisModuleString** argv, int argc);
typedef void* (*RedisModuleTypeLoadFunc)(RedisModuleIO* rdb, int encver);
typedef void (*RedisModuleTypeSaveFunc)(RedisModuleIO* rdb, void* value);
typedef void (*RedisModuleTypeRewriteFunc)(RedisModuleIO* aof, RedisModuleString* key, void* value);
typedef size_t (*RedisModuleTypeMemUsageFunc)(const void* value);
typedef void (*RedisModuleTypeDigestFunc)(RedisModuleDigest* digest, void* value);
typedef void (*RedisModuleTypeFreeFunc)(void* value);
typedef void (*RedisModuleTypeAuxLoadFunc)(void);
typedef void (*RedisModuleTypeAuxSaveFunc)(void);
typedef size_t (*RedisModuleTypeFreeEffortFunc)(RedisModuleString* key, const void* value);
typedef void (*RedisModuleTypeUnlinkFunc)(RedisModuleString* key, const void* value);
typedef void* (*RedisModuleTypeCopyFunc)(RedisModuleString* fromkey, RedisModuleString* tokey, const void* value);
typedef int (*RedisModuleTypeDefragFunc)(RedisModuleDefragCtx* ctx, RedisModuleString* key, void** value);
typedef void (*RedisModuleFreePrivDataFunc)(RedisModuleCtx* ctx, void* privdata);

/* Method version 3: the fields of versions 1..3, in server order. */
typedef struct RedisModuleTypeMethods {
  uint64_t version;
  RedisModuleTypeLoadFunc rdb_load;
  RedisModuleTypeSaveFunc rdb_save;
  RedisModuleTypeRewriteFunc aof_rewrite;
  RedisModuleTypeMemUsageFunc mem_usage;
  RedisModuleTypeDigestFunc digest;
  RedisModuleTypeFreeFunc free;
  RedisModuleTypeAuxLoadFunc aux_load; /* unused: NULL */
  RedisModuleTypeAuxSaveFunc aux_save; /* unused: NULL */
  int aux_save_triggers;
  RedisModuleTypeFreeEffortFunc free_effort;
  RedisModuleTypeUnlinkFunc unlink;
  RedisModuleTypeCopyFunc copy;
  RedisModuleTypeDefragFunc defrag;
} RedisModuleTypeMethods;

#define REDISMODULE_API_FN(ret, name, args) extern ret(*RedisModule_##name) args

REDISMODULE_API_FN(int, GetApi, (const char* name, void* out));
REDISMODULE_API_FN(void*, Alloc, (size_t bytes));
REDISMODULE_API_FN(void*, Calloc, (size_t nmemb, size_t size));
REDISMODULE_API_FN(void*, Realloc, (void* ptr, size_t bytes));
REDISMODULE_API_FN(void, Free, (void* ptr));
REDISMODULE_API_FN(int, IsModuleNameBusy, (const char* name));
REDISMODULE_API_FN(void, SetModuleAttribs, (RedisModuleCtx * ctx, const char* name, int ver, int apiver));
REDISMODULE_API_FN(int, CreateCommand,
                   (RedisModuleCtx * ctx, const char* name, RedisModuleCmdFunc fn, const char* flags, int firstkey,
                    int lastkey, int keystep));
REDISMODULE_API_FN(RedisModuleType*, CreateDataType,
                   (RedisModuleCtx * ctx, const char* name, int encver, RedisModuleTypeMethods* methods));
REDISMODULE_API_FN(void, SetModuleOptions, (RedisModuleCtx * ctx, int options));
REDISMODULE_API_FN(int, GetServerVersion, (void));
REDISMODULE_API_FN(int, GetContextFlags, (RedisModuleCtx * ctx));
REDISMODULE_API_FN(void, Log, (RedisModuleCtx * ctx, const char* level, const char* fmt, ...));
REDISMODULE_API_FN(void, GetRandomBytes, (unsigned char* dst, size_t len));

REDISMODULE_API_FN(RedisModuleKey*, OpenKey, (RedisModuleCtx * ctx, RedisModuleString* name, int mode));
REDISMODULE_API_FN(void, CloseKey, (RedisModuleKey * key));
REDISMODULE_API_FN(int, KeyType, (RedisModuleKey * key));
REDISMODULE_API_FN(int, DeleteKey, (RedisModuleKey * key));
REDISMODULE_API_FN(RedisModuleType*, ModuleTypeGetType, (RedisModuleKey * key));
REDISMODULE_API_FN(void*, ModuleTypeGetValue, (RedisModuleKey * key));
REDISMODULE_API_FN(int, ModuleTypeSetValue, (RedisModuleKey * key, RedisModuleType* mt, void* value));

REDISMODULE_API_FN(const char*, StringPtrLen, (const RedisModuleString* str, size_t* len));
REDISMODULE_API_FN(int, StringToLongLong, (const RedisModuleString* str, long long* out));
REDISMODULE_API_FN(int, StringToDouble, (const RedisModuleString* str, double* out));

REDISMODULE_API_FN(int, WrongArity, (RedisModuleCtx * ctx));
REDISMODULE_API_FN(int, ReplyWithError, (RedisModuleCtx * ctx, const char* err));
REDISMODULE_API_FN(int, ReplyWithSimpleString, (RedisModuleCtx * ctx, const char* msg));
REDISMODULE_API_FN(int, ReplyWithLongLong, (RedisModuleCtx * ctx, long long ll));
REDISMODULE_API_FN(int, ReplyWithDouble, (RedisModuleCtx * ctx, double d));
REDISMODULE_API_FN(int, ReplyWithStringBuffer, (RedisModuleCtx * ctx, const char* buf, size_t len));
REDISMODULE_API_FN(int, ReplyWithNull, (RedisModuleCtx * ctx));
REDISMODULE_API_FN(int, ReplyWithNullArray, (RedisModuleCtx * ctx));
REDISMODULE_API_FN(int, ReplyWithEmptyArray, (RedisModuleCtx * ctx));
REDISMODULE_API_FN(int, ReplyWithArray, (RedisModuleCtx * ctx, long len));
REDISMODULE_API_FN(int, ReplyWithMap, (RedisModuleCtx * ctx, long len));
REDISMODULE_API_FN(int, ReplyWithBool, (RedisModuleCtx * ctx, int b));
REDISMODULE_API_FN(void, ReplySetArrayLength, (RedisModuleCtx * ctx, long len));
REDISMODULE_API_FN(void, ReplySetMapLength, (RedisModuleCtx * ctx, long len));
REDISMODULE_API_FN(int, ReplicateVerbatim, (RedisModuleCtx * ctx));

REDISMODULE_API_FN(void, SaveUnsigned, (RedisModuleIO * io, uint64_t value));
REDISMODULE_API_FN(uint64_t, LoadUnsigned, (RedisModuleIO * io));
REDISMODULE_API_FN(void, SaveStringBuffer, (RedisModuleIO * io, const char* str, size_t len));
REDISMODULE_API_FN(char*, LoadStringBuffer, (RedisModuleIO * io, size_t* len));
REDISMODULE_API_FN(int, IsIOError, (RedisModuleIO * io));
REDISMODULE_API_FN(void, LogIOError, (RedisModuleIO * io, const char* level, const char* fmt, ...));
REDISMODULE_API_FN(void, EmitAOF, (RedisModuleIO * io, const char* cmd, const char* fmt, ...));
REDISMODULE_API_FN(void, DigestAddStringBuffer, (RedisModuleDigest * md, const char* ele, size_t len));
REDISMODULE_API_FN(void, DigestEndSequence, (RedisModuleDigest * md));

REDISMODULE_API_FN(RedisModuleBlockedClient*, BlockClient,
                   (RedisModuleCtx * ctx, RedisModuleCmdFunc reply_callback, RedisModuleCmdFunc timeout_callback,
                    RedisModuleFreePrivDataFunc free_privdata, long long timeout_ms));
REDISMODULE_API_FN(int, UnblockClient, (RedisModuleBlockedClient * bc, void* privdata));
REDISMODULE_API_FN(void*, GetBlockedClientPrivateData, (RedisModuleCtx * ctx));
REDISMODULE_API_FN(int, BlockedClientMeasureTimeStart, (RedisModuleBlockedClient * bc));
REDISMODULE_API_FN(int, BlockedClientMeasureTimeEnd, (RedisModuleBlockedClient * bc));

#undef REDISMODULE_API_FN

/* Resolves every function above through the server (the context's first word is its
 * GetApi), then registers the module. REDISMODULE_ERR when the name is taken or a
 * function this module cannot run without is missing. Defined in module_api.cpp. */
int RedisModule_Init(RedisModuleCtx* ctx, const char* name, int ver, int apiver);

#ifdef __cplusplus
}
#endif
