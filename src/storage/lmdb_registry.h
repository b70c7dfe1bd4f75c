// PRIVATE header. The process-wide registry of open LMDB environments.
//
// LMDB must not open the same environment twice in a process, so the registry (keyed
// by the directory's device and inode, i.e. any path spelling of it) hands out one
// shared LmdbEnv per directory. Handles are not usable after fork(): the child must
// open the database again (entries carry the pid that made them, and the child
// ignores its parent's).
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "storage/lmdb_env.h"

namespace ruvector::detail {

// Process-wide table of open environments. Never destroyed (registry()), so handles
// that outlive static destruction still find it. `mu` guards `open`; `cv` is notified
// when an environment was closed.
struct Registry {
  struct Slot {
    std::weak_ptr<LmdbEnv> env;
    LmdbEnv* raw = nullptr;
    pid_t pid = 0;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::map<EnvKey, Slot> open;
};

Registry& registry();

// A fork() while another thread holds the registry lock would leave it locked in the
// child forever; this holds it across fork() instead. Idempotent.
void install_fork_handlers();

// Deleter of the shared LmdbEnv: unregisters and closes it under the registry lock, so
// no opener can start a second environment on the same files before this one is
// closed. An LmdbEnv not yet registered is closed without the lock.
void release_env(LmdbEnv* e);

}  // namespace ruvector::detail
