// SearchPool: the worker threads that run VSIM off the Redis main thread.
//
// Fork safety: BGSAVE / BGREWRITEAOF / full syncs fork the server, and the child
// serialises sets under the engine's read lock. A worker caught inside the engine at
// fork time could leave a lock held forever in the child, so a pthread_atfork handler
// pauses the pool before every fork: no new job starts and the fork waits until
// running jobs have finished (searches take milliseconds; a TRUTH scan of a large
// set longer).
//
// Threads: submit() is called from the main thread; jobs run on the workers. The pool
// lives for the life of the process (never destroyed, so no join at exit).
#pragma once

#include <functional>

namespace ruvector::redis {

// Starts `threads` workers (>= 1) once; later calls are ignored.
void start_search_pool(unsigned threads);
void submit_search(std::function<void()> job);

}  // namespace ruvector::redis
