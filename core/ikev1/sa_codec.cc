// The SA payload with its nested Proposal and Transform payloads and data attributes
// (RFC 2408 §3.3-§3.6, situation per RFC 2407 §4.6.1). Syntax only: numbering and attribute
// sanity are semantic checks in validate.cc.
#include <string>

#include "core/ikev1/payload_codec.h"

namespace ikewot::ikev1 {
namespace {

// RFC 2408 §3.3 Data Attributes:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !A!       Attribute Type        !    AF=0  Attribute Length     !
// !F!                             !    AF=1  Attribute Value      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                   AF=0  Attribute Value                       .
// .                   AF=1  Not Transmitted                       .
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
constexpr uint16_t kAttributeFormatBit = 0x8000;

Result<Attribute> ParseAttribute(Reader* r) {
  size_t start = r->offset();
  uint16_t type_field = 0;
  uint16_t value_or_length = 0;
  if (!r->ReadU16(&type_field) || !r->ReadU16(&value_or_length)) {
    return MakeError(ErrorCode::kTruncated, "data attribute needs 4 octets, transform ends first",
                     start);
  }
  Attribute attribute;
  attribute.type = type_field & ~kAttributeFormatBit;
  attribute.basic = (type_field & kAttributeFormatBit) != 0;
  if (attribute.basic) {
    attribute.basic_value = value_or_length;
    return attribute;
  }
  if (!r->CopyBytes(value_or_length, &attribute.variable_value)) {
    return MakeError(ErrorCode::kTruncated,
                     "variable attribute " + std::to_string(attribute.type) + " claims " +
                         std::to_string(value_or_length) + " octets, only " +
                         std::to_string(r->remaining()) + " remain in the transform",
                     start + 2);
  }
  return attribute;
}

Status SerializeAttribute(const Attribute& attribute, Writer* w) {
  if (attribute.type & kAttributeFormatBit) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "attribute type " + std::to_string(attribute.type) + " does not fit 15 bits");
  }
  if (attribute.basic) {
    if (!attribute.variable_value.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "basic attribute carries a variable value");
    }
    w->U16(attribute.type | kAttributeFormatBit);
    w->U16(attribute.basic_value);
    return Status::Ok();
  }
  w->U16(attribute.type);
  auto length = w->Reserve16(w->size() + 2);  // counts the value only
  w->Append(attribute.variable_value);
  return w->Close(length);
}

// RFC 2408 §3.6 Transform Payload:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Transform #  !  Transform-Id !           RESERVED2           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        SA Attributes                          ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<Transform> ParseTransform(Reader* r, bool expect_last) {
  uint8_t next = 0;
  Reader body;
  size_t start = r->offset();
  IKEWOT_RETURN_IF_ERROR(ReadGenericHeader(r, "Transform", &next, &body));
  uint8_t expected_next = expect_last ? 0 : static_cast<uint8_t>(PayloadType::kTransform);
  if (next != expected_next) {
    return MakeError(ErrorCode::kBadValue,
                     "Transform Next Payload must be " + std::to_string(expected_next) +
                         (expect_last ? " (last transform)" : " (more transforms follow)") +
                         ", got " + std::to_string(next),
                     start);
  }
  Transform transform;
  uint16_t reserved2 = 0;
  if (!body.ReadU8(&transform.number) || !body.ReadU8(&transform.transform_id) ||
      !body.ReadU16(&reserved2)) {
    return body.Fail(ErrorCode::kTruncated, "Transform payload shorter than its 8-octet header");
  }
  if (reserved2 != 0) {
    return MakeError(ErrorCode::kBadValue, "Transform RESERVED2 must be zero", body.offset() - 2);
  }
  while (!body.empty()) {
    auto attribute = ParseAttribute(&body);
    if (!attribute.ok()) return attribute.error();
    transform.attributes.push_back(std::move(attribute).value());
  }
  return transform;
}

// RFC 2408 §3.5 Proposal Payload:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                        SPI (variable)                         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The Payload Length counts the Transform payloads that follow the SPI.
Result<Proposal> ParseProposal(Reader* r, uint8_t* next) {
  Reader body;
  IKEWOT_RETURN_IF_ERROR(ReadGenericHeader(r, "Proposal", next, &body));
  Proposal proposal;
  uint8_t protocol = 0;
  uint8_t spi_size = 0;
  uint8_t transform_count = 0;
  if (!body.ReadU8(&proposal.number) || !body.ReadU8(&protocol) || !body.ReadU8(&spi_size) ||
      !body.ReadU8(&transform_count)) {
    return body.Fail(ErrorCode::kTruncated, "Proposal payload shorter than its 8-octet header");
  }
  proposal.protocol = static_cast<ProtocolId>(protocol);
  if (!body.CopyBytes(spi_size, &proposal.spi)) {
    return body.Fail(ErrorCode::kTruncated, "Proposal SPI of " + std::to_string(spi_size) +
                                                " octets runs past the proposal (" +
                                                std::to_string(body.remaining()) + " left)");
  }
  for (unsigned i = 0; i < transform_count; ++i) {
    if (body.empty()) {
      return body.Fail(ErrorCode::kTruncated, "Proposal " + std::to_string(proposal.number) +
                                                  " announces " + std::to_string(transform_count) +
                                                  " transforms but holds " + std::to_string(i));
    }
    auto transform = ParseTransform(&body, i + 1 == transform_count);
    if (!transform.ok()) return transform.error();
    proposal.transforms.push_back(std::move(transform).value());
  }
  IKEWOT_RETURN_IF_ERROR(body.ExpectEmpty("Proposal payload after its announced " +
                                          std::to_string(transform_count) + " transforms"));
  return proposal;
}

}  // namespace

// RFC 2408 §3.4 Security Association Payload:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                                                               !
// ~                           Situation                           ~
// !                                                               !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The Proposal payloads follow the situation inside the SA's length. The IPsec DOI situation is a
// 32-bit bitmap (RFC 2407 §4.6.1); its labelled-domain extension (SIT_SECRECY, SIT_INTEGRITY) has
// never been deployed and is reported as unsupported.
Result<SaPayload> ParseSaBody(Reader* body) {
  SaPayload sa;
  uint32_t doi = 0;
  if (!body->ReadU32(&doi)) {
    return body->Fail(ErrorCode::kTruncated, "SA payload ends inside its 4-octet DOI field");
  }
  sa.doi = static_cast<Doi>(doi);
  if (sa.doi != Doi::kIpsec) {
    sa.situation = 0;  // part of the opaque body
    ByteView rest = body->Rest();
    sa.other_doi_body.assign(rest.begin(), rest.end());
    (void)body->Skip(rest.size());
    return sa;
  }
  if (!body->ReadU32(&sa.situation)) {
    return body->Fail(ErrorCode::kTruncated, "SA payload ends inside its 4-octet situation");
  }
  if (sa.situation & (kSituationSecrecy | kSituationIntegrity)) {
    return MakeError(ErrorCode::kUnsupported,
                     "labelled-domain situations (SIT_SECRECY/SIT_INTEGRITY, RFC 2407 §4.6.1) "
                     "are not supported",
                     body->offset() - 4);
  }
  // An SA without proposals is syntactically complete; ValidateMessage rejects it.
  bool any_proposal = false;
  uint8_t next = 0;
  while (!body->empty()) {
    if (any_proposal && next != static_cast<uint8_t>(PayloadType::kProposal)) {
      return body->Fail(
          ErrorCode::kTrailingData,
          std::to_string(body->remaining()) + " octets in the SA payload after its last proposal");
    }
    size_t proposal_start = body->offset();
    auto proposal = ParseProposal(body, &next);
    if (!proposal.ok()) return proposal.error();
    if (next != 0 && next != static_cast<uint8_t>(PayloadType::kProposal)) {
      return MakeError(ErrorCode::kBadValue,
                       "Proposal Next Payload must be 2 (more proposals) or 0 (last), got " +
                           std::to_string(next),
                       proposal_start);
    }
    sa.proposals.push_back(std::move(proposal).value());
    any_proposal = true;
  }
  if (next != 0) {
    return body->Fail(ErrorCode::kTruncated,
                      "last proposal says another proposal follows, but the SA payload ends");
  }
  return sa;
}

Status SerializeSaBody(const SaPayload& sa, Writer* w) {
  w->U32(static_cast<uint32_t>(sa.doi));
  if (sa.doi != Doi::kIpsec) {
    if (!sa.proposals.empty() || sa.situation != 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "proposals and situation can only be encoded under the IPsec DOI; "
                       "other DOIs keep their body opaque");
    }
    w->Append(sa.other_doi_body);
    return Status::Ok();
  }
  if (!sa.other_doi_body.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "IPsec DOI SA with an opaque body");
  }
  if (sa.situation & (kSituationSecrecy | kSituationIntegrity)) {
    return MakeError(ErrorCode::kUnsupported, "labelled-domain situations are not supported");
  }
  w->U32(sa.situation);
  for (size_t p = 0; p < sa.proposals.size(); ++p) {
    const Proposal& proposal = sa.proposals[p];
    if (proposal.spi.size() > 0xff || proposal.transforms.size() > 0xff) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "proposal " + std::to_string(proposal.number) +
                           ": SPI size and transform count must fit one octet");
    }
    bool last_proposal = p + 1 == sa.proposals.size();
    auto proposal_length =
        WriteGenericHeader(last_proposal ? 0 : static_cast<uint8_t>(PayloadType::kProposal), w);
    w->U8(proposal.number);
    w->U8(static_cast<uint8_t>(proposal.protocol));
    w->U8(static_cast<uint8_t>(proposal.spi.size()));
    w->U8(static_cast<uint8_t>(proposal.transforms.size()));
    w->Append(proposal.spi);
    for (size_t t = 0; t < proposal.transforms.size(); ++t) {
      const Transform& transform = proposal.transforms[t];
      bool last_transform = t + 1 == proposal.transforms.size();
      auto transform_length =
          WriteGenericHeader(last_transform ? 0 : static_cast<uint8_t>(PayloadType::kTransform), w);
      w->U8(transform.number);
      w->U8(transform.transform_id);
      w->U16(0);  // RESERVED2
      for (const Attribute& attribute : transform.attributes) {
        IKEWOT_RETURN_IF_ERROR(SerializeAttribute(attribute, w));
      }
      IKEWOT_RETURN_IF_ERROR(w->Close(transform_length));
    }
    IKEWOT_RETURN_IF_ERROR(w->Close(proposal_length));
  }
  return Status::Ok();
}

std::optional<uint64_t> Attribute::IntegerValue() const {
  if (basic) return basic_value;
  if (variable_value.empty() || variable_value.size() > 8) return std::nullopt;
  uint64_t value = 0;
  for (uint8_t b : variable_value) value = value << 8 | b;
  return value;
}

}  // namespace ikewot::ikev1
