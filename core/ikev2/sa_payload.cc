#include "core/ikev2/sa_payload.h"

#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

constexpr uint8_t kLastSubstrucNone = 0;
constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kMoreTransforms = 3;
constexpr size_t kProposalHeaderSize = 8;
constexpr size_t kTransformHeaderSize = 8;
constexpr uint16_t kAttributeFormatTv = 0x8000;

// Rules on one attribute's values, shared by the parser and the writer.
Status CheckAttribute(const TransformAttribute& attribute, size_t offset) {
  if (attribute.type == static_cast<uint16_t>(TransformAttributeType::kKeyLength) &&
      !attribute.is_tv()) {
    // §3.3.5: Key Length is a fixed-size (TV) attribute.
    return MakeError(ErrorCode::kBadValue, "Key Length attribute must use the TV format", offset);
  }
  return Status::Ok();
}

// SPI Size per protocol (§3.3.1): IKE 0 (initial) or 8 (rekey), AH/ESP 4.
Status CheckProposalSpi(const Proposal& proposal, size_t offset) {
  size_t size = proposal.spi.size();
  bool ok = true;
  switch (proposal.protocol) {
    case ProtocolId::kIke:
      ok = size == 0 || size == 8;
      break;
    case ProtocolId::kAh:
    case ProtocolId::kEsp:
      ok = size == 4;
      break;
    default:
      break;  // unknown protocols: the SPI is opaque
  }
  if (!ok) {
    return MakeError(ErrorCode::kBadValue,
                     "SPI size " + Num(size) + " is invalid for a proposal of protocol " +
                         std::string(Name(proposal.protocol)),
                     offset);
  }
  return Status::Ok();
}

// §3.3.1: the first proposal is number 1 and each next one is one more. A response carries one
// proposal whose number is that of the accepted proposal, so a lone proposal may have any
// non-zero number.
Status CheckProposalNumber(uint8_t number, size_t index, uint8_t previous_number, size_t offset) {
  if (index == 0) {
    if (number != 0) return Status::Ok();
    return MakeError(ErrorCode::kBadValue, "proposal number 0 is invalid (numbers start at 1)",
                     offset);
  }
  if (previous_number != index) {  // only reachable for the second proposal
    return MakeError(
        ErrorCode::kBadValue,
        "the first of several proposals has number " + Num(previous_number) + ", expected 1",
        offset);
  }
  if (number != index + 1) {
    return MakeError(ErrorCode::kBadValue,
                     "proposal " + Num(index + 1) + " has number " + Num(number) + ", expected " +
                         Num(index + 1),
                     offset);
  }
  return Status::Ok();
}

Status ParseAttribute(Reader& r, TransformAttribute* out) {
  size_t start = r.offset();
  uint16_t format_and_type = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "transform attribute type", &format_and_type));
  out->type = format_and_type & 0x7fff;
  if ((format_and_type & kAttributeFormatTv) != 0) {
    uint16_t value = 0;
    IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "transform attribute value", &value));
    out->value = value;
  } else {
    uint16_t length = 0;
    Bytes value;
    IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "transform attribute length", &length));
    IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(r, length, "transform attribute value", &value));
    out->value = std::move(value);
  }
  return CheckAttribute(*out, start);
}

Status ParseTransform(Reader& r, bool expect_last, size_t index, size_t count, Transform* out) {
  size_t start = r.offset();
  uint8_t last = 0, type = 0;
  uint16_t length = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "transform header", &last));
  IKEWOT_RETURN_IF_ERROR(
      internal::ReadU8(r, "transform header", &out->reserved_after_last_substruc));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "transform header", &length));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "transform header", &type));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "transform header", &out->reserved_after_type));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "transform header", &out->id));
  uint8_t expected = expect_last ? kLastSubstrucNone : kMoreTransforms;
  if (last != expected) {
    return MakeError(ErrorCode::kBadValue,
                     "transform " + Num(index + 1) + " of " + Num(count) + " has Last Substruc " +
                         Num(last) + ", expected " + Num(expected),
                     start);
  }
  out->type = static_cast<TransformType>(type);
  Reader body;
  IKEWOT_RETURN_IF_ERROR(
      internal::ReadCountedBody(r, "transform", length, kTransformHeaderSize, start + 2, &body));
  while (!body.empty()) {
    TransformAttribute attribute;
    IKEWOT_RETURN_IF_ERROR(ParseAttribute(body, &attribute));
    out->attributes.push_back(std::move(attribute));
  }
  return Status::Ok();
}

Status ParseProposal(Reader& r, size_t index, uint8_t previous_number, Proposal* out,
                     bool* is_last) {
  size_t start = r.offset();
  uint8_t last = 0, protocol = 0, spi_size = 0, transform_count = 0;
  uint16_t length = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "proposal header", &last));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "proposal header", &out->reserved));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "proposal header", &length));
  if (last != kLastSubstrucNone && last != kMoreProposals) {
    return MakeError(ErrorCode::kBadValue,
                     "proposal Last Substruc must be 0 (last) or 2 (more), got " + Num(last),
                     start);
  }
  *is_last = last == kLastSubstrucNone;
  if (length < kProposalHeaderSize) {
    return MakeError(ErrorCode::kBadLength,
                     "proposal length " + Num(length) + " is below its 8-octet header", start + 2);
  }
  Reader body;
  IKEWOT_RETURN_IF_ERROR(internal::ReadCountedBody(r, "proposal", length, 4, start + 2, &body));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "proposal header", &out->number));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "proposal header", &protocol));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "proposal header", &spi_size));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "proposal header", &transform_count));
  out->protocol = static_cast<ProtocolId>(protocol);
  IKEWOT_RETURN_IF_ERROR(CheckProposalNumber(out->number, index, previous_number, start + 4));
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, spi_size, "proposal SPI", &out->spi));
  IKEWOT_RETURN_IF_ERROR(CheckProposalSpi(*out, start + 6));
  if (transform_count == 0) {
    return MakeError(ErrorCode::kBadValue,
                     "proposal " + Num(out->number) + " announces no transforms", start + 7);
  }
  for (size_t i = 0; i < transform_count; ++i) {
    Transform transform;
    IKEWOT_RETURN_IF_ERROR(
        ParseTransform(body, i + 1 == transform_count, i, transform_count, &transform));
    out->transforms.push_back(std::move(transform));
  }
  if (body.empty()) return Status::Ok();
  return body.ExpectEmpty("proposal after its " + Num(transform_count) + " transforms");
}

Status WriteAttribute(const TransformAttribute& attribute, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckAttribute(attribute, w.size()));
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(attribute.type, 15, "transform attribute type"));
  if (const uint16_t* tv = std::get_if<uint16_t>(&attribute.value)) {
    w.U16(static_cast<uint16_t>(kAttributeFormatTv | attribute.type));
    w.U16(*tv);
    return Status::Ok();
  }
  w.U16(attribute.type);
  auto length = w.Reserve16(w.size() + 2);  // counts the value only
  w.Append(std::get<Bytes>(attribute.value));
  return w.Close(length);
}

Status WriteTransform(const Transform& transform, bool is_last, Writer& w) {
  size_t start = w.size();
  w.U8(is_last ? kLastSubstrucNone : kMoreTransforms);
  w.U8(transform.reserved_after_last_substruc);
  auto length = w.Reserve16(start);
  w.U8(static_cast<uint8_t>(transform.type));
  w.U8(transform.reserved_after_type);
  w.U16(transform.id);
  for (const TransformAttribute& attribute : transform.attributes) {
    IKEWOT_RETURN_IF_ERROR(WriteAttribute(attribute, w));
  }
  return w.Close(length);
}

Status WriteProposal(const Proposal& proposal, size_t index, uint8_t previous_number, bool is_last,
                     Writer& w) {
  size_t start = w.size();
  IKEWOT_RETURN_IF_ERROR(CheckProposalNumber(proposal.number, index, previous_number, start + 4));
  IKEWOT_RETURN_IF_ERROR(CheckProposalSpi(proposal, start + 6));
  if (proposal.transforms.empty() || proposal.transforms.size() > 255) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a proposal needs 1..255 transforms, got " + Num(proposal.transforms.size()),
                     start + 7);
  }
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(proposal.spi.size(), 8, "proposal SPI size"));
  w.U8(is_last ? kLastSubstrucNone : kMoreProposals);
  w.U8(proposal.reserved);
  auto length = w.Reserve16(start);
  w.U8(proposal.number);
  w.U8(static_cast<uint8_t>(proposal.protocol));
  w.U8(static_cast<uint8_t>(proposal.spi.size()));
  w.U8(static_cast<uint8_t>(proposal.transforms.size()));
  w.Append(proposal.spi);
  for (size_t i = 0; i < proposal.transforms.size(); ++i) {
    IKEWOT_RETURN_IF_ERROR(
        WriteTransform(proposal.transforms[i], i + 1 == proposal.transforms.size(), w));
  }
  return w.Close(length);
}

}  // namespace

std::optional<uint16_t> Transform::KeyLength() const {
  for (const TransformAttribute& attribute : attributes) {
    if (attribute.type == static_cast<uint16_t>(TransformAttributeType::kKeyLength) &&
        attribute.is_tv()) {
      return std::get<uint16_t>(attribute.value);
    }
  }
  return std::nullopt;
}

Transform MakeTransform(TransformType type, uint16_t id, uint16_t key_length_bits) {
  Transform transform;
  transform.type = type;
  transform.id = id;
  if (key_length_bits != 0) {
    transform.attributes.push_back(TransformAttribute{
        static_cast<uint16_t>(TransformAttributeType::kKeyLength), key_length_bits});
  }
  return transform;
}

Result<SaPayload> ParseSaPayload(Reader& body) {
  SaPayload sa;
  bool is_last = false;
  while (!is_last) {
    if (body.empty()) {
      if (sa.proposals.empty()) {
        return body.Fail(ErrorCode::kBadValue, "SA payload contains no proposal");
      }
      return body.Fail(ErrorCode::kTruncated,
                       "proposal " + Num(sa.proposals.size()) +
                           " announces another proposal (Last Substruc 2) but the SA ends");
    }
    Proposal proposal;
    uint8_t previous = sa.proposals.empty() ? 0 : sa.proposals.back().number;
    IKEWOT_RETURN_IF_ERROR(ParseProposal(body, sa.proposals.size(), previous, &proposal, &is_last));
    sa.proposals.push_back(std::move(proposal));
  }
  IKEWOT_RETURN_IF_ERROR(body.ExpectEmpty("SA payload after the proposal marked last"));
  return sa;
}

Status WriteSaPayload(const SaPayload& sa, Writer& w) {
  if (sa.proposals.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an SA payload needs at least one proposal",
                     w.size());
  }
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    uint8_t previous = i == 0 ? 0 : sa.proposals[i - 1].number;
    IKEWOT_RETURN_IF_ERROR(
        WriteProposal(sa.proposals[i], i, previous, i + 1 == sa.proposals.size(), w));
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev2
