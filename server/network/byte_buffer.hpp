#pragma once
// ByteBuffer: a growable byte array that, unlike std::vector<uint8_t>, never
// zeroes what it adds (a 64 KiB TCP frame is received or written over
// anyway). Keeps its capacity across clear(), so a connection that has
// warmed up allocates nothing more.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace zoned::server {

class ByteBuffer {
 public:
  explicit ByteBuffer(std::size_t capacity = 0)
      : data_(capacity == 0 ? nullptr : new std::uint8_t[capacity]), capacity_(capacity) {}

  [[nodiscard]] std::uint8_t* data() noexcept { return data_.get(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  // Grows the capacity to at least `wanted`, keeping the contents.
  void reserve(std::size_t wanted) {
    if (wanted <= capacity_) return;
    const std::size_t grown = std::max(wanted, capacity_ * 2);
    std::unique_ptr<std::uint8_t[]> bigger(new std::uint8_t[grown]);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = grown;
  }
  // `n` writable bytes after the contents; commit() what was written.
  [[nodiscard]] std::span<std::uint8_t> prepare(std::size_t n) {
    reserve(size_ + n);
    return {data_.get() + size_, n};
  }
  // The unused tail, for a read of whatever fits.
  [[nodiscard]] std::span<std::uint8_t> free_space() noexcept {
    return {data_.get() + size_, capacity_ - size_};
  }
  void commit(std::size_t n) noexcept { size_ += n; }
  // Drops the first `n` bytes, moving the rest to the front.
  void consume(std::size_t n) noexcept {
    if (n == 0) return;
    size_ -= n;
    if (size_ > 0) std::memmove(data_.get(), data_.get() + n, size_);
  }
  void clear() noexcept { size_ = 0; }

  friend void swap(ByteBuffer& a, ByteBuffer& b) noexcept {
    std::swap(a.data_, b.data_);
    std::swap(a.size_, b.size_);
    std::swap(a.capacity_, b.capacity_);
  }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace zoned::server
