#pragma once
// Counts heap allocations made by the current thread while an
// AllocationCounter is alive, to prove that the query path allocates nothing
// (docs/ARCHITECTURE.md, "Rules the code keeps"). alloc_counter.cpp replaces
// the global operator new family for every unit-test binary; other threads
// and other code are not affected beyond a thread-local flag check.
#include <cstddef>

namespace zoned::test {

class AllocationCounter {
 public:
  AllocationCounter() noexcept;
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  // Allocations by this thread since construction.
  [[nodiscard]] std::size_t count() const noexcept;
};

}  // namespace zoned::test
