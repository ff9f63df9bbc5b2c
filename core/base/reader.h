// Bounds-checked cursor over untrusted bytes (the idea of BoringSSL's CBS).
// Every getter checks, advances and reports success; a length-prefixed region becomes a child
// Reader that the parser must consume exactly (ExpectEmpty). Offsets are absolute within the
// outermost input so errors can say where they happened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot {

class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView data, size_t base_offset = 0) : data_(data), base_(base_offset) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // Absolute offset of the next unread byte.
  size_t offset() const { return base_ + pos_; }
  ByteView Rest() const { return data_.subspan(pos_); }
  // Everything this reader covers, read or not.
  ByteView Whole() const { return data_; }

  [[nodiscard]] bool ReadU8(uint8_t* out);
  [[nodiscard]] bool ReadU16(uint16_t* out);
  [[nodiscard]] bool ReadU24(uint32_t* out);
  [[nodiscard]] bool ReadU32(uint32_t* out);
  [[nodiscard]] bool ReadU64(uint64_t* out);
  [[nodiscard]] bool ReadBytes(size_t n, ByteView* out);
  [[nodiscard]] bool CopyBytes(size_t n, Bytes* out);
  [[nodiscard]] bool Skip(size_t n);
  // Splits off the next n bytes as a child reader and advances past them.
  [[nodiscard]] bool ReadSub(size_t n, Reader* out);
  [[nodiscard]] bool PeekU8(uint8_t* out) const;

  // Error helpers that record the current offset.
  Error Fail(ErrorCode code, std::string message) const {
    return MakeError(code, std::move(message), offset());
  }
  // kOk when fully consumed, otherwise kTrailingData naming `what`.
  Status ExpectEmpty(std::string_view what) const;

 private:
  ByteView data_;
  size_t pos_ = 0;
  size_t base_ = 0;
};

}  // namespace ikewot
