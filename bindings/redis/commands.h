// The vector-sets commands (VADD, VSIM, VREM, VCARD, VDIM, VEMB, VSETATTR, VGETATTR,
// VISMEMBER, VINFO, VRANDMEMBER) and RV.RESTORECHUNK (the AOF form of a set).
// Syntax, replies and errors: docs/scale-out.md, "Commands".
//
// Threads: every command runs on the Redis main thread; VSIM hands the search to the
// SearchPool and replies from the blocked client's reply callback. Writes replicate
// verbatim (every change, including updates and attribute changes).
#pragma once

#include "redismodule.h"

namespace ruvector::redis {

int register_commands(RedisModuleCtx* ctx);

}  // namespace ruvector::redis
