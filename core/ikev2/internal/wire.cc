#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2::internal {

Error Truncated(const Reader& r, std::string_view what, size_t needed) {
  return r.Fail(ErrorCode::kTruncated, "truncated " + std::string(what) + ": needs " + Num(needed) +
                                           " octets, " + Num(r.remaining()) + " remain");
}

Status ReadU8(Reader& r, std::string_view what, uint8_t* out) {
  if (!r.ReadU8(out)) return Truncated(r, what, 1);
  return Status::Ok();
}

Status ReadU16(Reader& r, std::string_view what, uint16_t* out) {
  if (!r.ReadU16(out)) return Truncated(r, what, 2);
  return Status::Ok();
}

Status ReadU24(Reader& r, std::string_view what, uint32_t* out) {
  if (!r.ReadU24(out)) return Truncated(r, what, 3);
  return Status::Ok();
}

Status ReadU32(Reader& r, std::string_view what, uint32_t* out) {
  if (!r.ReadU32(out)) return Truncated(r, what, 4);
  return Status::Ok();
}

Status ReadU64(Reader& r, std::string_view what, uint64_t* out) {
  if (!r.ReadU64(out)) return Truncated(r, what, 8);
  return Status::Ok();
}

Status CopyBytes(Reader& r, size_t n, std::string_view what, Bytes* out) {
  if (!r.CopyBytes(n, out)) return Truncated(r, what, n);
  return Status::Ok();
}

Status ReadCountedBody(Reader& r, std::string_view what, uint16_t length, size_t header_size,
                       size_t length_field_offset, Reader* body) {
  if (length < header_size) {
    return MakeError(ErrorCode::kBadLength,
                     std::string(what) + " length " + Num(length) + " is below its " +
                         Num(header_size) + "-octet header",
                     length_field_offset);
  }
  size_t body_size = length - header_size;
  if (!r.ReadSub(body_size, body)) {
    return r.Fail(ErrorCode::kTruncated, std::string(what) + " length " + Num(length) +
                                             " runs past the end of its container (" +
                                             Num(r.remaining()) + " octets remain after the " +
                                             Num(header_size) + "-octet header)");
  }
  return Status::Ok();
}

Status CheckFits(uint64_t value, int bits, std::string_view what) {
  if (bits < 64 && value >> bits != 0) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " value " + Num(value) +
                                                      " does not fit in " + Num(bits) + " bits");
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev2::internal
