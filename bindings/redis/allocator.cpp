// Every C++ allocation of the module (the engine's vectors, graph, ids, metadata, and
// the standard library's own) goes through RedisModule_Alloc/Free, so the server's
// INFO memory, maxmemory and MEMORY USAGE see it.
//
// Mechanism: this file replaces the global operator new/delete. The module links the
// engine and libstdc++ statically and exports only RedisModule_OnLoad (a version
// script, -fvisibility=hidden, --exclude-libs ALL), so these definitions bind every
// allocation inside ruvector-redis.so and none outside it (redis-server is C; other
// modules keep their own allocator).
//
// Before RedisModule_Init has resolved the API (static initialisers run at dlopen),
// allocations fall back to malloc and are remembered in a small table so that their
// delete goes to free(); RedisModule_Free never sees a pointer it did not allocate.
// Alignments above 16 bytes over-allocate and keep the original pointer in front.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>

#include "redismodule.h"

namespace {

constexpr std::size_t kEarlySlots = 256;
void* g_early[kEarlySlots];
std::atomic<std::size_t> g_early_count{0};
std::mutex g_early_mu;

void* early_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  std::lock_guard<std::mutex> lock(g_early_mu);
  const std::size_t i = g_early_count.load(std::memory_order_relaxed);
  if (i == kEarlySlots) std::abort();  // the table is sized far above what static initialisers allocate
  g_early[i] = p;
  g_early_count.store(i + 1, std::memory_order_release);
  return p;
}

bool early_free(void* p) {
  if (g_early_count.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard<std::mutex> lock(g_early_mu);
  const std::size_t n = g_early_count.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < n; ++i) {
    if (g_early[i] == p) {
      g_early[i] = g_early[n - 1];
      g_early_count.store(n - 1, std::memory_order_release);
      std::free(p);
      return true;
    }
  }
  return false;
}

void* rv_alloc(std::size_t n) {
  if (RedisModule_Alloc == nullptr) return early_alloc(n);
  return RedisModule_Alloc(n == 0 ? 1 : n);  // the server aborts on out-of-memory
}

void rv_free(void* p) noexcept {
  if (p == nullptr || early_free(p)) return;
  RedisModule_Free(p);
}

void* rv_alloc_aligned(std::size_t n, std::size_t align) {
  if (align <= 16) return rv_alloc(n);
  auto* raw = static_cast<char*>(rv_alloc(n + align + sizeof(void*)));
  auto addr = reinterpret_cast<std::uintptr_t>(raw + sizeof(void*));
  addr = (addr + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
  reinterpret_cast<void**>(addr)[-1] = raw;
  return reinterpret_cast<void*>(addr);
}

void rv_free_aligned(void* p, std::size_t align) noexcept {
  if (p == nullptr) return;
  if (align <= 16) return rv_free(p);
  rv_free(static_cast<void**>(p)[-1]);
}

}  // namespace

namespace ruvector::redis {
// Allocations made before the API was resolved and not yet freed (logged at load).
std::size_t early_allocations() noexcept { return g_early_count.load(); }
}  // namespace ruvector::redis

void* operator new(std::size_t n) { return rv_alloc(n); }
void* operator new[](std::size_t n) { return rv_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return rv_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return rv_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return rv_alloc_aligned(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return rv_alloc_aligned(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return rv_alloc_aligned(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return rv_alloc_aligned(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { rv_free(p); }
void operator delete[](void* p) noexcept { rv_free(p); }
void operator delete(void* p, std::size_t) noexcept { rv_free(p); }
void operator delete[](void* p, std::size_t) noexcept { rv_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { rv_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { rv_free(p); }
void operator delete(void* p, std::align_val_t a) noexcept { rv_free_aligned(p, static_cast<std::size_t>(a)); }
void operator delete[](void* p, std::align_val_t a) noexcept { rv_free_aligned(p, static_cast<std::size_t>(a)); }
void operator delete(void* p, std::size_t, std::align_val_t a) noexcept {
  rv_free_aligned(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::size_t, std::align_val_t a) noexcept {
  rv_free_aligned(p, static_cast<std::size_t>(a));
}
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  rv_free_aligned(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  rv_free_aligned(p, static_cast<std::size_t>(a));
}
