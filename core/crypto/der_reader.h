// Strict DER reading (X.690 §8 and §10) on top of ikewot::Reader: the one DER reader of the
// core, for the certificate parser and the trust code's collection files (core/trust/der.h adds
// what only the trust code reads).
//
// Only the distinguished encoding is accepted: low-tag-number identifiers, definite lengths in
// their shortest form, primitive encodings of strings. Each element's contents become a
// sub-Reader with absolute offsets, so errors say where they happened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"

namespace ikewot::crypto::der {

// Identifier octets (class | constructed bit | tag number).
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kEnumerated = 0x0a;
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
constexpr uint8_t ContextPrimitive(uint8_t n) { return static_cast<uint8_t>(0x80 | n); }
constexpr uint8_t ContextConstructed(uint8_t n) { return static_cast<uint8_t>(0xa0 | n); }

// One element: identifier octet, a reader over its contents and the whole TLV encoding.
struct Element {
  uint8_t tag = 0;
  Reader contents;
  ByteView encoding;
  size_t offset = 0;  // absolute offset of the identifier octet
};

// The next element, whatever its tag. `what` names it in error messages.
[[nodiscard]] Status ReadElement(Reader& in, Element* out, std::string_view what);
// The next element, which must carry `tag`.
[[nodiscard]] Status ReadTagged(Reader& in, uint8_t tag, Element* out, std::string_view what);
// True when the next identifier octet is `tag` (false at the end of the input).
bool NextIs(const Reader& in, uint8_t tag);

// INTEGER contents: non-empty and minimal (X.690 §8.3.2). Returns the two's-complement octets.
[[nodiscard]] Status ReadInteger(Reader& in, ByteView* out, std::string_view what,
                                 uint8_t tag = kInteger);
// OBJECT IDENTIFIER contents, checked for well-formed minimal subidentifiers (X.690 §8.19).
[[nodiscard]] Status ReadOid(Reader& in, ByteView* out, std::string_view what);
// BOOLEAN: one octet, 0x00 or 0xFF (X.690 §11.1).
[[nodiscard]] Status ReadBoolean(Reader& in, bool* out, std::string_view what);
// BIT STRING with no unused bits (keys, signatures): the octets after the unused-bits octet.
[[nodiscard]] Status ReadWholeOctetBitString(Reader& in, ByteView* out, std::string_view what);
// BIT STRING of any length (named-bit lists, unique ids): unused bits 0..7, padding bits zero.
// Returns the octets after the unused-bits octet.
[[nodiscard]] Status ReadBitString(Reader& in, ByteView* out, std::string_view what,
                                   uint8_t tag = kBitString);
// UTCTime or GeneralizedTime as RFC 5280 §4.1.2.5 profiles them ("YYMMDDHHMMSSZ",
// "YYYYMMDDHHMMSSZ"), as Unix seconds.
[[nodiscard]] Status ReadX509Time(Reader& in, int64_t* unix_seconds, std::string_view what);
// GeneralizedTime "YYYYMMDDHHMMSSZ" (the RFC 5280 §4.1.2.5.2 profile) as Unix seconds; `tag`
// replaces the universal tag for an IMPLICIT [n] field.
[[nodiscard]] Status ReadGeneralizedTime(Reader& in, int64_t* unix_seconds, std::string_view what,
                                         uint8_t tag = kGeneralizedTime);
// A value of type ANY: one element, checked recursively for DER (primitive universal types get
// their X.690 content rules; constructed elements must hold well-formed elements).
[[nodiscard]] Status ReadAny(Reader& in, Element* out, std::string_view what);

}  // namespace ikewot::crypto::der
