// The LMDB half of the I/O seam (util/io_env.h), in durable builds.
#include <lmdb.h>

#include "util/io_env.h"

namespace ruvector::detail {

int IoEnv::txn_commit(MDB_txn* txn) { return mdb_txn_commit(txn); }
int IoEnv::env_set_mapsize(MDB_env* env, std::size_t size) { return mdb_env_set_mapsize(env, size); }

}  // namespace ruvector::detail
