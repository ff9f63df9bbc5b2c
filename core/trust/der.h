// Strict DER reading on top of the bounds-checked Reader (X.690 §8 and §10).
//
// The trust code reads attacker-supplied DER (collection files, certificates inside them) without
// building OpenSSL ASN.1 trees: that keeps memory proportional to what the caller keeps, lets us
// enforce our own size limits before anything is allocated, and is several times faster than
// d2i_X509 in OpenSSL 3.0 (see docs/bench/trust.md). Only the distinguished encoding is accepted:
// low-tag-number form, definite and minimal lengths, minimal INTEGERs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/crypto/der_reader.h"

namespace ikewot::trust::der {

// The element reader, tags and the readers both layers need are the core's one DER reader
// (core/crypto/der_reader.h); this header adds what only the trust code reads.
using crypto::der::ContextConstructed;
using crypto::der::ContextPrimitive;
using crypto::der::Element;
using crypto::der::kBitString;
using crypto::der::kBmpString;
using crypto::der::kBoolean;
using crypto::der::kGeneralizedTime;
using crypto::der::kIa5String;
using crypto::der::kInteger;
using crypto::der::kNull;
using crypto::der::kOctetString;
using crypto::der::kOid;
using crypto::der::kPrintableString;
using crypto::der::kSequence;
using crypto::der::kSet;
using crypto::der::kT61String;
using crypto::der::kUniversalString;
using crypto::der::kUtcTime;
using crypto::der::kUtf8String;
using crypto::der::NextIs;
using crypto::der::ReadElement;
using crypto::der::ReadGeneralizedTime;
using crypto::der::ReadOid;
using crypto::der::ReadTagged;
using crypto::der::ReadX509Time;
// BIT STRING with no unused bits (signatures, keys).
inline Status ReadBitStringBytes(Reader& in, ByteView* out, std::string_view what) {
  return crypto::der::ReadWholeOctetBitString(in, out, what);
}

// INTEGER that must be non-negative and fit in 63 bits.
[[nodiscard]] Status ReadUint63(Reader& in, uint64_t* out, std::string_view what);
[[nodiscard]] Status ReadOctetString(Reader& in, ByteView* out, std::string_view what);
// UTF8String whose contents must be valid UTF-8 of at most `max_bytes` bytes.
[[nodiscard]] Status ReadUtf8(Reader& in, std::string* out, size_t max_bytes,
                              std::string_view what);

// Parses "YYYY-MM-DDTHH:MM:SSZ" (the form crypto::FormatUnixTimeUtc writes) or "YYYY-MM-DD"
// (midnight UTC) into Unix seconds.
Result<int64_t> ParseUnixTime(std::string_view text);

bool IsValidUtf8(std::string_view s);

// Walks a whole DER encoding without building anything and fails if it nests deeper than
// `max_depth`, holds more than `max_elements` elements, or is not strict DER (indefinite or
// non-minimal lengths, constructed strings, primitive SEQUENCE/SET). Run before handing hostile
// bytes to an OpenSSL d2i that allocates per element.
[[nodiscard]] Status CheckShape(ByteView der, size_t max_depth, size_t max_elements,
                                std::string_view what);

}  // namespace ikewot::trust::der
