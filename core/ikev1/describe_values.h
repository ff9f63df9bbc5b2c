// Readable forms of IKEv1 field values, shared by DescribeMessage (JSON) and FormatMessage
// (text) so both say the same thing. Everything taken from the wire is escaped for display.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/ikev1/message.h"

namespace ikewot::ikev1 {

// Where each payload of an unencrypted message sits: absolute offset and encoded length.
struct PayloadSpan {
  size_t offset = 0;
  size_t length = 0;
};
std::vector<PayloadSpan> PayloadSpans(const Message& message);

// The identification data as text: addresses, "a/prefix" subnets, "a-b" ranges, names, DNs
// (RFC 4514). nullopt when the type has no text form or the data does not fit the type.
std::optional<std::string> IdentificationText(IdType type, ByteView data);

// A DER-encoded X.501 Name as RFC 4514 text; nullopt when it does not parse exactly.
std::optional<std::string> DistinguishedNameText(ByteView der);

// Names of well-known vendor IDs (RFC 3947 NAT-T, DPD, XAUTH, fragmentation, strongSwan, ...).
std::optional<std::string> KnownVendorId(ByteView vendor_id);

// "SIT_IDENTITY_ONLY", joined with '|' for several bits, "0x.." for unknown bits.
std::string SituationText(uint32_t situation);

// "7 (AES-CBC)" for named values, "28800" for plain numbers, hex for long variable values.
std::string AttributeValueText(ProtocolId protocol, const Attribute& attribute);

// Bytes as text when printable ASCII, else nullopt (for FQDN-like identities).
std::optional<std::string> PrintableText(ByteView data);

}  // namespace ikewot::ikev1
