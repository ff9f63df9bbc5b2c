// Syntax of single IKEv1 payloads: generic header plus body, in both directions. Semantic checks
// (numbering, attribute sanity, exchange rules) live in validate.cc, not here.
#pragma once

#include <string_view>

#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev1/payloads.h"

namespace ikewot::ikev1 {

// Reads one payload of wire type `type` (generic header + body) from `r` and stores the payload's
// Next Payload field in `*next`. Offsets in errors are absolute (the reader's base).
Result<Payload> ParsePayload(Reader* r, PayloadType type, PayloadType* next);

// Appends `payload` with `next` in its Next Payload field; the length is filled by reservation.
// Fails with kInvalidArgument when the value cannot be encoded (type/body mismatch, SPI sizes).
Status SerializePayload(const Payload& payload, PayloadType next, Writer* w);

// The SA body (after the generic header) of RFC 2408 §3.4 with its proposals and transforms.
Result<SaPayload> ParseSaBody(Reader* body);
Status SerializeSaBody(const SaPayload& sa, Writer* w);

// The 4-octet generic payload header of RFC 2408 §3.2, shared by payloads, proposals and
// transforms. Reading checks RESERVED = 0 and splits the body off as `*body`; `what` names the
// payload in error messages.
Status ReadGenericHeader(Reader* r, std::string_view what, uint8_t* next, Reader* body);
// Writes Next Payload and RESERVED and reserves the length field, counted from the header start.
Writer::Reservation WriteGenericHeader(uint8_t next, Writer* w);

// True when `type` names a payload this codec decodes into its own body type.
bool IsDecodedPayloadType(PayloadType type);

}  // namespace ikewot::ikev1
