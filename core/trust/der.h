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

namespace ikewot::trust::der {

// Identifier octets we use (class | constructed bit | number).
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kUtf8String = 0x0c;
inline constexpr uint8_t kPrintableString = 0x13;
inline constexpr uint8_t kT61String = 0x14;
inline constexpr uint8_t kIa5String = 0x16;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kUniversalString = 0x1c;
inline constexpr uint8_t kBmpString = 0x1e;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
// [n] IMPLICIT primitive / [n] constructed (EXPLICIT, or IMPLICIT of a constructed type).
constexpr uint8_t ContextPrimitive(uint8_t n) { return static_cast<uint8_t>(0x80 | n); }
constexpr uint8_t ContextConstructed(uint8_t n) { return static_cast<uint8_t>(0xa0 | n); }

// One element: its identifier octet, a reader over its contents (absolute offsets preserved) and
// the complete encoding (identifier, length and contents) for hashing or storing verbatim.
struct Element {
  uint8_t tag = 0;
  Reader contents;
  ByteView encoding;
  size_t offset = 0;  // absolute offset of the identifier octet
};

// Reads the next element whatever its tag. `what` names it in error messages.
[[nodiscard]] Status ReadElement(Reader& in, Element* out, std::string_view what);
// Reads the next element and requires `tag`.
[[nodiscard]] Status ReadTagged(Reader& in, uint8_t tag, Element* out, std::string_view what);
// True when the next identifier octet is `tag` (false at end of input).
bool NextIs(const Reader& in, uint8_t tag);

// INTEGER that must be non-negative and fit in 63 bits.
[[nodiscard]] Status ReadUint63(Reader& in, uint64_t* out, std::string_view what);
[[nodiscard]] Status ReadOctetString(Reader& in, ByteView* out, std::string_view what);
[[nodiscard]] Status ReadOid(Reader& in, ByteView* out, std::string_view what);
// UTF8String whose contents must be valid UTF-8 of at most `max_bytes` bytes.
[[nodiscard]] Status ReadUtf8(Reader& in, std::string* out, size_t max_bytes,
                              std::string_view what);
// BIT STRING with no unused bits (signatures, keys).
[[nodiscard]] Status ReadBitStringBytes(Reader& in, ByteView* out, std::string_view what);
// GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 5280 §4.1.2.5.2 profile) as Unix seconds; `tag`
// replaces the universal tag for an IMPLICIT [n] field.
[[nodiscard]] Status ReadGeneralizedTime(Reader& in, int64_t* unix_seconds, std::string_view what,
                                         uint8_t tag = kGeneralizedTime);
// UTCTime or GeneralizedTime (X.509 Time), RFC 5280 profile, as Unix seconds.
[[nodiscard]] Status ReadX509Time(Reader& in, int64_t* unix_seconds, std::string_view what);

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
