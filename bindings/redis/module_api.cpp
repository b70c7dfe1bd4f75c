// Storage for the module API function pointers declared in redismodule.h, and
// RedisModule_Init, which resolves them by name through the server.
#include "redismodule.h"

#define RV_API_FUNCTIONS(X)                                                                                     \
  X(Alloc) X(Calloc) X(Realloc) X(Free) X(IsModuleNameBusy) X(SetModuleAttribs) X(CreateCommand)             \
  X(CreateDataType) X(SetModuleOptions) X(GetServerVersion) X(GetContextFlags) X(Log) X(GetRandomBytes)      \
  X(OpenKey) X(CloseKey) X(KeyType) X(DeleteKey) X(ModuleTypeGetType) X(ModuleTypeGetValue)                 \
  X(ModuleTypeSetValue) X(StringPtrLen) X(StringToLongLong) X(StringToDouble) X(WrongArity) X(ReplyWithError) \
  X(ReplyWithSimpleString) X(ReplyWithLongLong) X(ReplyWithDouble) X(ReplyWithStringBuffer) X(ReplyWithNull) \
  X(ReplyWithNullArray) X(ReplyWithEmptyArray) X(ReplyWithArray) X(ReplyWithMap) X(ReplyWithBool)            \
  X(ReplySetArrayLength) X(ReplySetMapLength) X(ReplicateVerbatim) X(SaveUnsigned) X(LoadUnsigned)           \
  X(SaveStringBuffer) X(LoadStringBuffer) X(IsIOError) X(LogIOError) X(EmitAOF) X(DigestAddStringBuffer)     \
  X(DigestEndSequence) X(BlockClient) X(UnblockClient) X(GetBlockedClientPrivateData)

// Optional: used when present (slowlog timing of blocked VSIM).
#define RV_OPTIONAL_FUNCTIONS(X) X(BlockedClientMeasureTimeStart) X(BlockedClientMeasureTimeEnd)

extern "C" {

decltype(RedisModule_GetApi) RedisModule_GetApi = nullptr;
#define RV_DEFINE(name) decltype(RedisModule_##name) RedisModule_##name = nullptr;
RV_API_FUNCTIONS(RV_DEFINE)
RV_OPTIONAL_FUNCTIONS(RV_DEFINE)
#undef RV_DEFINE

int RedisModule_Init(RedisModuleCtx* ctx, const char* name, int ver, int apiver) {
  // The server puts its GetApi function in the first word of the context.
  RedisModule_GetApi = *reinterpret_cast<decltype(RedisModule_GetApi)*>(ctx);
  bool complete = true;
#define RV_RESOLVE(name) \
  if (RedisModule_GetApi("RedisModule_" #name, reinterpret_cast<void*>(&RedisModule_##name)) != REDISMODULE_OK) complete = false;
  RV_API_FUNCTIONS(RV_RESOLVE)
#undef RV_RESOLVE
#define RV_RESOLVE_OPTIONAL(name) RedisModule_GetApi("RedisModule_" #name, reinterpret_cast<void*>(&RedisModule_##name));
  RV_OPTIONAL_FUNCTIONS(RV_RESOLVE_OPTIONAL)
#undef RV_RESOLVE_OPTIONAL
  if (!complete) return REDISMODULE_ERR;
  if (RedisModule_IsModuleNameBusy(name)) return REDISMODULE_ERR;
  RedisModule_SetModuleAttribs(ctx, name, ver, apiver);
  return REDISMODULE_OK;
}

}  // extern "C"
