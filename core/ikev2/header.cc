#include "core/ikev2/header.h"

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {

using internal::Num;

uint8_t Header::FlagsByte() const {
  return static_cast<uint8_t>((response ? kFlagResponse : 0) | (version ? kFlagVersion : 0) |
                              (initiator ? kFlagInitiator : 0) |
                              (reserved_flags & kReservedFlagsMask));
}

Result<Header> ParseHeader(Reader& r) {
  if (r.remaining() < kHeaderSize) return internal::Truncated(r, "IKE header", kHeaderSize);
  Header h;
  uint8_t next = 0, versions = 0, exchange = 0, flags = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU64(r, "initiator SPI", &h.spi_i));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU64(r, "responder SPI", &h.spi_r));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "next payload", &next));
  size_t version_offset = r.offset();
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "version", &versions));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "exchange type", &exchange));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "flags", &flags));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU32(r, "message ID", &h.message_id));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU32(r, "length", &h.length));
  h.next_payload = static_cast<PayloadType>(next);
  h.major_version = versions >> 4;
  h.minor_version = versions & 0x0f;
  h.exchange_type = static_cast<ExchangeType>(exchange);
  h.response = (flags & kFlagResponse) != 0;
  h.version = (flags & kFlagVersion) != 0;
  h.initiator = (flags & kFlagInitiator) != 0;
  h.reserved_flags = flags & kReservedFlagsMask;
  if (h.major_version != kIkev2MajorVersion) {
    // RFC 7296 §2.5: a higher major version is answered with INVALID_MAJOR_VERSION; IKEv1 (1) is
    // a different protocol altogether.
    return MakeError(ErrorCode::kUnsupported,
                     "IKE major version " + Num(h.major_version) + " is not IKEv2", version_offset);
  }
  return h;
}

Status WriteHeader(const Header& header, uint8_t next_payload, Writer& w,
                   Writer::Reservation* length) {
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(header.major_version, 4, "major version"));
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(header.minor_version, 4, "minor version"));
  if ((header.reserved_flags & ~kReservedFlagsMask) != 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "reserved_flags may only hold the X bits (mask 0xc7), got " + Num(header.reserved_flags));
  }
  size_t start = w.size();
  w.U64(header.spi_i);
  w.U64(header.spi_r);
  w.U8(next_payload);
  w.U8(static_cast<uint8_t>(header.major_version << 4 | header.minor_version));
  w.U8(static_cast<uint8_t>(header.exchange_type));
  w.U8(header.FlagsByte());
  w.U32(header.message_id);
  *length = w.Reserve32(start);
  return Status::Ok();
}

}  // namespace ikewot::ikev2
