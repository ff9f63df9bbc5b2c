#include "core/base/writer.h"

#include <string>

namespace ikewot {

void Writer::U16(uint16_t v) {
  U8(static_cast<uint8_t>(v >> 8));
  U8(static_cast<uint8_t>(v));
}

void Writer::U24(uint32_t v) {
  U8(static_cast<uint8_t>(v >> 16));
  U8(static_cast<uint8_t>(v >> 8));
  U8(static_cast<uint8_t>(v));
}

void Writer::U32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(v >> shift));
}

void Writer::U64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(v >> shift));
}

Writer::Reservation Writer::Reserve(size_t width, size_t region_start) {
  Reservation r{out_->size(), width, region_start};
  out_->insert(out_->end(), width, 0);
  return r;
}

Status Writer::Close(const Reservation& r) {
  size_t length = out_->size() - r.region_start;
  uint64_t limit = r.width == 2 ? 0xffffu : 0xffffffffu;
  if (length > limit) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "region of " + std::to_string(length) + " bytes exceeds its " +
                         std::to_string(r.width * 8) + "-bit length field");
  }
  for (size_t i = 0; i < r.width; ++i) {
    (*out_)[r.field_pos + i] = static_cast<uint8_t>(length >> (8 * (r.width - 1 - i)));
  }
  return Status::Ok();
}

}  // namespace ikewot
