// Appending serializer. Length fields are written by reservation (the idea of BoringSSL's CBB):
// reserve the field, write the region, then Close() fills in the real size. No length is ever
// computed by arithmetic over the pieces, so a field cannot disagree with what follows it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot {

class Writer {
 public:
  // A reserved length field. `region_start` is where the counted region begins; IKE counts the
  // generic payload header itself, so callers usually reserve with the payload's start offset.
  struct Reservation {
    size_t field_pos = 0;
    size_t width = 0;  // 2 or 4 bytes
    size_t region_start = 0;
  };

  Writer() = default;
  explicit Writer(Bytes* out) : out_(out) {}

  void U8(uint8_t v) { out_->push_back(v); }
  void U16(uint16_t v);
  void U24(uint32_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void Append(ByteView v) { out_->insert(out_->end(), v.begin(), v.end()); }

  size_t size() const { return out_->size(); }
  Bytes* buffer() { return out_; }

  // Reserves a 16/32-bit big-endian length counting from `region_start` (default: the field).
  Reservation Reserve16(size_t region_start) { return Reserve(2, region_start); }
  Reservation Reserve32(size_t region_start) { return Reserve(4, region_start); }
  // Writes size() - region_start into the field; fails if it does not fit the width.
  Status Close(const Reservation& r);

  // Overwrites one byte already written (e.g. a "next payload" field known only later).
  void PatchU8(size_t pos, uint8_t v) { (*out_)[pos] = v; }

 private:
  Reservation Reserve(size_t width, size_t region_start);

  Bytes* out_ = nullptr;
};

}  // namespace ikewot
