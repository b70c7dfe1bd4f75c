#include "search_pool.h"

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace ruvector::redis {
namespace {

struct Pool {
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<std::function<void()>> queue;

  // Fork gate (see search_pool.h).
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool paused = false;
  unsigned active = 0;
};

Pool* g_pool = nullptr;

void before_fork() {
  if (g_pool == nullptr) return;
  std::unique_lock<std::mutex> lock(g_pool->gate_mu);
  g_pool->paused = true;
  g_pool->gate_cv.wait(lock, [] { return g_pool->active == 0; });
  lock.release();  // held across fork(); released by the parent and child handlers
}

void after_fork() {
  if (g_pool == nullptr) return;
  g_pool->paused = false;
  g_pool->gate_mu.unlock();
  g_pool->gate_cv.notify_all();
}

void worker_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(g_pool->queue_mu);
      g_pool->queue_cv.wait(lock, [] { return !g_pool->queue.empty(); });
      job = std::move(g_pool->queue.front());
      g_pool->queue.pop_front();
    }
    {
      std::unique_lock<std::mutex> lock(g_pool->gate_mu);
      g_pool->gate_cv.wait(lock, [] { return !g_pool->paused; });
      ++g_pool->active;
    }
    job();  // jobs catch their own exceptions
    {
      std::lock_guard<std::mutex> lock(g_pool->gate_mu);
      --g_pool->active;
    }
    g_pool->gate_cv.notify_all();
  }
}

}  // namespace

void start_search_pool(unsigned threads) {
  if (g_pool != nullptr) return;
  g_pool = new Pool();
  pthread_atfork(before_fork, after_fork, after_fork);
  for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i) std::thread(worker_loop).detach();
}

void submit_search(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(g_pool->queue_mu);
    g_pool->queue.push_back(std::move(job));
  }
  g_pool->queue_cv.notify_one();
}

}  // namespace ruvector::redis
