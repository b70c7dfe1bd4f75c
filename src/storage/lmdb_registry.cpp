#include "storage/lmdb_registry.h"

#include <pthread.h>

namespace ruvector::detail {

Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

void install_fork_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    (void)registry();
    ::pthread_atfork([] { registry().mu.lock(); }, [] { registry().mu.unlock(); },
                     [] { registry().mu.unlock(); });
  });
}

void release_env(LmdbEnv* e) {
  if (!e->registered.load()) {
    delete e;
    return;
  }
  Registry& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.open.find(e->key);
    if (it != r.open.end() && it->second.raw == e) r.open.erase(it);
    delete e;
  }
  r.cv.notify_all();
}

}  // namespace ruvector::detail
