#include "core/ikev2/simple_payloads.h"

#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

// Each Check* function holds the value rules of one payload; the parser calls it with the
// payload body's offset in the datagram, the writer with its offset in the output.

Status CheckKe(const KePayload& ke, size_t body_offset) {
  size_t data_offset = body_offset + 4;
  if (std::optional<size_t> expected = KeyExchangeDataSize(ke.dh_group)) {
    if (ke.data.size() != *expected) {
      return MakeError(ErrorCode::kBadLength,
                       "KE data for group " + std::string(DhGroupName(ke.dh_group)) + " must be " +
                           Num(*expected) + " octets, got " + Num(ke.data.size()),
                       data_offset);
    }
  } else if (ke.data.empty()) {
    return MakeError(ErrorCode::kBadLength, "KE payload carries no key exchange data", data_offset);
  }
  return Status::Ok();
}

Status CheckNonce(const NoncePayload& nonce, size_t body_offset) {
  if (nonce.data.size() < kMinNonceSize || nonce.data.size() > kMaxNonceSize) {
    return MakeError(ErrorCode::kBadLength,
                     "nonce must be 16..256 octets, got " + Num(nonce.data.size()), body_offset);
  }
  return Status::Ok();
}

// Checked from the header fields alone, before any SPI is read.
Status CheckDeleteHeader(ProtocolId protocol, uint8_t spi_size, size_t spi_count,
                         size_t body_offset) {
  uint8_t expected_size = 0;
  switch (protocol) {
    case ProtocolId::kIke:
      expected_size = 0;  // the IKE SA is named by the header's SPIs
      break;
    case ProtocolId::kAh:
    case ProtocolId::kEsp:
      expected_size = 4;
      break;
    default:
      return MakeError(
          ErrorCode::kBadValue,
          "Delete payload protocol must be IKE, AH or ESP, got " + std::string(Name(protocol)),
          body_offset);
  }
  if (spi_size != expected_size) {
    return MakeError(ErrorCode::kBadValue,
                     "Delete payload SPI size for " + std::string(Name(protocol)) + " must be " +
                         Num(expected_size) + ", got " + Num(spi_size),
                     body_offset + 1);
  }
  if (spi_size == 0 && spi_count != 0) {
    return MakeError(ErrorCode::kBadValue,
                     "Delete payload lists " + Num(spi_count) + " SPIs of size 0", body_offset + 2);
  }
  return Status::Ok();
}

Status CheckEap(const EapPayload& eap, size_t body_offset) {
  bool has_type = eap.code == EapCode::kRequest || eap.code == EapCode::kResponse;
  bool is_result = eap.code == EapCode::kSuccess || eap.code == EapCode::kFailure;
  if (has_type && eap.data.empty()) {
    return MakeError(
        ErrorCode::kBadLength,
        "EAP " + std::string(EapCodeName(static_cast<uint8_t>(eap.code))) + " needs a Type octet",
        body_offset + 4);
  }
  if (is_result && !eap.data.empty()) {
    return MakeError(ErrorCode::kBadLength,
                     "EAP " + std::string(EapCodeName(static_cast<uint8_t>(eap.code))) +
                         " must end after its 4-octet header, " + Num(eap.data.size()) +
                         " octets follow",
                     body_offset + 4);
  }
  return Status::Ok();
}

}  // namespace

std::optional<size_t> KeyExchangeDataSize(uint16_t dh_group) {
  switch (static_cast<DhGroup>(dh_group)) {
    case DhGroup::kModp768:
      return 96;
    case DhGroup::kModp1024:
      return 128;
    case DhGroup::kModp1536:
      return 192;
    case DhGroup::kModp2048:
      return 256;
    case DhGroup::kModp3072:
      return 384;
    case DhGroup::kModp4096:
      return 512;
    case DhGroup::kModp6144:
      return 768;
    case DhGroup::kModp8192:
      return 1024;
    case DhGroup::kModp1024s160:
      return 128;
    case DhGroup::kModp2048s224:
      return 256;
    case DhGroup::kModp2048s256:
      return 256;
    case DhGroup::kEcp192:
      return 48;
    case DhGroup::kEcp224:
      return 56;
    case DhGroup::kEcp256:
      return 64;
    case DhGroup::kEcp384:
      return 96;
    case DhGroup::kEcp521:
      return 132;
    case DhGroup::kBrainpoolP224:
      return 56;
    case DhGroup::kBrainpoolP256:
      return 64;
    case DhGroup::kBrainpoolP384:
      return 96;
    case DhGroup::kBrainpoolP512:
      return 128;
    case DhGroup::kCurve25519:
      return 32;
    case DhGroup::kCurve448:
      return 56;
    case DhGroup::kGost3410_2012_256:
      return 64;
    case DhGroup::kGost3410_2012_512:
      return 128;
    default:
      return std::nullopt;  // ML-KEM sizes differ between request and response
  }
}

Result<KePayload> ParseKePayload(Reader& body) {
  size_t start = body.offset();
  KePayload ke;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "KE group number", &ke.dh_group));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "KE reserved field", &ke.reserved));
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, body.remaining(), "KE data", &ke.data));
  IKEWOT_RETURN_IF_ERROR(CheckKe(ke, start));
  return ke;
}

Status WriteKePayload(const KePayload& ke, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckKe(ke, w.size()));
  w.U16(ke.dh_group);
  w.U16(ke.reserved);
  w.Append(ke.data);
  return Status::Ok();
}

Result<NoncePayload> ParseNoncePayload(Reader& body) {
  size_t start = body.offset();
  NoncePayload nonce;
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, body.remaining(), "nonce", &nonce.data));
  IKEWOT_RETURN_IF_ERROR(CheckNonce(nonce, start));
  return nonce;
}

Status WriteNoncePayload(const NoncePayload& nonce, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckNonce(nonce, w.size()));
  w.Append(nonce.data);
  return Status::Ok();
}

Result<DeletePayload> ParseDeletePayload(Reader& body) {
  size_t start = body.offset();
  DeletePayload del;
  uint8_t protocol = 0;
  uint16_t count = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "Delete protocol ID", &protocol));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "Delete SPI size", &del.spi_size));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "Delete SPI count", &count));
  del.protocol = static_cast<ProtocolId>(protocol);
  IKEWOT_RETURN_IF_ERROR(CheckDeleteHeader(del.protocol, del.spi_size, count, start));
  for (size_t i = 0; i < count; ++i) {
    Bytes spi;
    IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, del.spi_size, "Delete SPI", &spi));
    del.spis.push_back(std::move(spi));
  }
  if (!body.empty()) return body.ExpectEmpty("Delete payload after its " + Num(count) + " SPIs");
  return del;
}

Status WriteDeletePayload(const DeletePayload& del, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckDeleteHeader(del.protocol, del.spi_size, del.spis.size(), w.size()));
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(del.spis.size(), 16, "Delete SPI count"));
  for (const Bytes& spi : del.spis) {
    if (spi.size() != del.spi_size) {
      return MakeError(ErrorCode::kInvalidArgument, "Delete SPI of " + Num(spi.size()) +
                                                        " octets in a payload of SPI size " +
                                                        Num(del.spi_size));
    }
  }
  w.U8(static_cast<uint8_t>(del.protocol));
  w.U8(del.spi_size);
  w.U16(static_cast<uint16_t>(del.spis.size()));
  for (const Bytes& spi : del.spis) w.Append(spi);
  return Status::Ok();
}

Result<VendorIdPayload> ParseVendorIdPayload(Reader& body) {
  VendorIdPayload vid;
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, body.remaining(), "Vendor ID", &vid.data));
  return vid;
}

Status WriteVendorIdPayload(const VendorIdPayload& vid, Writer& w) {
  w.Append(vid.data);
  return Status::Ok();
}

Result<EapPayload> ParseEapPayload(Reader& body) {
  size_t start = body.offset();
  size_t message_size = body.remaining();
  EapPayload eap;
  uint8_t code = 0;
  uint16_t length = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "EAP header", &code));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "EAP header", &eap.identifier));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "EAP header", &length));
  eap.code = static_cast<EapCode>(code);
  if (length != message_size) {
    return MakeError(ErrorCode::kBadLength,
                     "EAP Length " + Num(length) + " differs from the " + Num(message_size) +
                         "-octet EAP payload content",
                     start + 2);
  }
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, body.remaining(), "EAP data", &eap.data));
  IKEWOT_RETURN_IF_ERROR(CheckEap(eap, start));
  return eap;
}

Status WriteEapPayload(const EapPayload& eap, Writer& w) {
  size_t start = w.size();
  IKEWOT_RETURN_IF_ERROR(CheckEap(eap, start));
  w.U8(static_cast<uint8_t>(eap.code));
  w.U8(eap.identifier);
  auto length = w.Reserve16(start);
  w.Append(eap.data);
  return w.Close(length);
}

}  // namespace ikewot::ikev2
