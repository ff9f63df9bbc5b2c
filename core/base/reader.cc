#include "core/base/reader.h"

namespace ikewot {

bool Reader::ReadU8(uint8_t* out) {
  if (remaining() < 1) return false;
  *out = data_[pos_++];
  return true;
}

bool Reader::ReadU16(uint16_t* out) {
  if (remaining() < 2) return false;
  *out = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
  pos_ += 2;
  return true;
}

bool Reader::ReadU24(uint32_t* out) {
  if (remaining() < 3) return false;
  *out = static_cast<uint32_t>(data_[pos_]) << 16 | static_cast<uint32_t>(data_[pos_ + 1]) << 8 |
         data_[pos_ + 2];
  pos_ += 3;
  return true;
}

bool Reader::ReadU32(uint32_t* out) {
  if (remaining() < 4) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | data_[pos_ + i];
  *out = v;
  pos_ += 4;
  return true;
}

bool Reader::ReadU64(uint64_t* out) {
  if (remaining() < 8) return false;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | data_[pos_ + i];
  *out = v;
  pos_ += 8;
  return true;
}

bool Reader::ReadBytes(size_t n, ByteView* out) {
  if (remaining() < n) return false;
  *out = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::CopyBytes(size_t n, Bytes* out) {
  ByteView view;
  if (!ReadBytes(n, &view)) return false;
  out->assign(view.begin(), view.end());
  return true;
}

bool Reader::Skip(size_t n) {
  if (remaining() < n) return false;
  pos_ += n;
  return true;
}

bool Reader::ReadSub(size_t n, Reader* out) {
  if (remaining() < n) return false;
  *out = Reader(data_.subspan(pos_, n), offset());
  pos_ += n;
  return true;
}

bool Reader::PeekU8(uint8_t* out) const {
  if (remaining() < 1) return false;
  *out = data_[pos_];
  return true;
}

Status Reader::ExpectEmpty(std::string_view what) const {
  if (empty()) return Status::Ok();
  return Fail(ErrorCode::kTrailingData,
              std::to_string(remaining()) + " unconsumed bytes at end of " + std::string(what));
}

}  // namespace ikewot
