// Secret material in memory: libsodium made ready, and buffers (key text,
// private key sections, enrollment tokens, request bodies that carry them)
// overwritten once they are done with.
#pragma once

#include <cstddef>
#include <utility>

namespace pulse {

// Calls sodium_init() once; called before drawing keys or random numbers and
// before signing.
void ensure_sodium();

// sodium_memzero, which the compiler may not optimise away.
void wipe_memory(void* data, std::size_t size);

// Overwrites a std::string's or byte vector's whole capacity, so that bytes
// past its end, left there by a shorter assignment, go too.
template <typename Buffer>
void wipe_buffer(Buffer& buffer) {
  buffer.resize(buffer.capacity());
  wipe_memory(buffer.data(), buffer.size());
  buffer.clear();
}

// A buffer holding a secret, wiped when it goes away. Wiped<std::string>
// owns its buffer and may be moved (the source is wiped); Wiped<std::string&>
// wipes a buffer that lives elsewhere, such as a request's body, at the end
// of the scope. Size it once: a reallocation would free an unwiped copy.
template <typename Buffer>
class Wiped {
 public:
  Wiped() = default;
  explicit Wiped(Buffer&& buffer) : buffer_(std::forward<Buffer>(buffer)) {}
  Wiped(Wiped&& other) noexcept : buffer_(std::move(other.buffer_)) { wipe_buffer(other.buffer_); }
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  Wiped& operator=(Wiped&&) = delete;
  ~Wiped() { wipe_buffer(buffer_); }

  auto& operator*() { return buffer_; }
  const auto& operator*() const { return buffer_; }
  auto* operator->() { return &buffer_; }
  const auto* operator->() const { return &buffer_; }

 private:
  Buffer buffer_;
};

}  // namespace pulse
