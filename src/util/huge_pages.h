// PRIVATE header. Transparent huge pages for the large arrays a graph search reads at
// random (the float rows, the layer-0 link table).
//
// A search touches a different row for almost every distance, so with 4 KiB pages
// nearly every distance also misses the TLB once the rows exceed what the TLB maps
// (a few MiB). Where the kernel only gives huge pages to memory that asks for them
// (Linux transparent_hugepage=madvise, the default of many distributions), those
// arrays ask with madvise(MADV_HUGEPAGE) right after allocation, before they are
// first written. Nothing changes in what is allocated or counted: the hint covers
// the block as malloc returned it, and the kernel backs only its 2 MiB-aligned
// interior with huge pages. Elsewhere (other systems, wasm, THP off) a no-op.
#pragma once

#include <cstddef>
#include <memory>

namespace ruvector::detail {

// Blocks below this size are left alone (a huge page would mostly hold other data).
inline constexpr std::size_t kHugePageMinBytes = std::size_t{4} << 20;

// Hints that [p, p + bytes) should be backed by huge pages when bytes >= kHugePageMinBytes.
// A hint only: failures are ignored. Thread-safe.
void advise_huge_pages(const void* p, std::size_t bytes) noexcept;

// std::allocator that hints huge pages for large blocks (see advise_huge_pages).
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    T* p = std::allocator<T>().allocate(n);
    advise_huge_pages(p, n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace ruvector::detail
