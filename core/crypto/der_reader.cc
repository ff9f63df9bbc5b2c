#include "core/crypto/der_reader.h"

#include <cstdio>
#include <string>

#include "core/crypto/certificate_text.h"

namespace ikewot::crypto::der {
namespace {

// Nesting bound for ANY values: certificates in the wild nest a few levels; this keeps hostile
// input from recursing deeply.
constexpr int kMaxAnyDepth = 16;
// A certificate is at most 64 KiB, so four length octets are more than enough.
constexpr size_t kMaxLengthOctets = 4;

std::string Hex2(uint8_t v) {
  char text[8];
  std::snprintf(text, sizeof(text), "0x%02x", v);
  return text;
}

std::string Named(std::string_view what, std::string_view rest) {
  return std::string(what) + std::string(rest);
}

Error ErrorAt(ErrorCode code, size_t offset, std::string_view what, const std::string& why) {
  return MakeError(code, std::string(what) + ": " + why, offset);
}

bool IsDigits(ByteView text, size_t from, size_t count) {
  for (size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

int Number(ByteView text, size_t from, size_t count) {
  int value = 0;
  for (size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The contents of a UTCTime (2-digit year) or GeneralizedTime (4-digit year) element as RFC
// 5280 §4.1.2.5 profiles them: seconds always present, "Z", no fractional seconds.
Status TimeOf(const Element& element, size_t year_digits, int64_t* unix_seconds,
              std::string_view what) {
  ByteView text = element.contents.Rest();
  if (text.size() != year_digits + 11 || !IsDigits(text, 0, year_digits + 10) ||
      text.back() != 'Z') {
    return element.contents.Fail(
        ErrorCode::kBadValue,
        Named(what, year_digits == 2 ? " must be UTCTime YYMMDDHHMMSSZ"
                                     : " must be GeneralizedTime YYYYMMDDHHMMSSZ"));
  }
  int64_t year = Number(text, 0, year_digits);
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;  // RFC 5280 §4.1.2.5.1
  const int month = Number(text, year_digits, 2);
  const int day = Number(text, year_digits + 2, 2);
  const int hour = Number(text, year_digits + 4, 2);
  const int minute = Number(text, year_digits + 6, 2);
  const int second = Number(text, year_digits + 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return element.contents.Fail(ErrorCode::kBadValue, Named(what, " is not a valid date"));
  }
  *unix_seconds = UnixSecondsFromCivil(year, month, day, hour, minute, second);
  return Status::Ok();
}

// Content rules X.690 gives universal primitive types, for values inside ANY.
Status CheckPrimitiveContents(const Element& element, std::string_view what) {
  ByteView v = element.contents.Rest();
  const Reader& at = element.contents;
  switch (element.tag) {
    case kBoolean:
      if (v.size() != 1 || (v[0] != 0x00 && v[0] != 0xff)) {
        return at.Fail(ErrorCode::kBadValue, Named(what, " BOOLEAN must be one octet 00 or ff"));
      }
      return Status::Ok();
    case kInteger:
    case kEnumerated:
      if (v.empty() || (v.size() > 1 && ((v[0] == 0x00 && (v[1] & 0x80) == 0) ||
                                         (v[0] == 0xff && (v[1] & 0x80) != 0)))) {
        return at.Fail(ErrorCode::kBadValue, Named(what, " INTEGER is empty or not minimal"));
      }
      return Status::Ok();
    case kNull:
      if (!v.empty()) return at.Fail(ErrorCode::kBadValue, Named(what, " NULL must be empty"));
      return Status::Ok();
    case kBmpString:
      if (v.size() % 2 != 0) {
        return at.Fail(ErrorCode::kBadValue, Named(what, " BMPString has an odd length"));
      }
      return Status::Ok();
    case kUniversalString:
      if (v.size() % 4 != 0) {
        return at.Fail(ErrorCode::kBadValue,
                       Named(what, " UniversalString length is not a multiple of 4"));
      }
      return Status::Ok();
    case kOid: {
      Reader copy(element.encoding, element.offset);
      ByteView oid;
      return ReadOid(copy, &oid, what);
    }
    case kBitString: {
      Reader copy(element.encoding, element.offset);
      ByteView bits;
      return ReadBitString(copy, &bits, what);
    }
    default:
      return Status::Ok();
  }
}

Status CheckAny(const Element& element, std::string_view what, int depth) {
  if (depth > kMaxAnyDepth) {
    return MakeError(ErrorCode::kLimitExceeded, Named(what, " nests too deeply"), element.offset);
  }
  if ((element.tag & 0x20) == 0) return CheckPrimitiveContents(element, what);
  // Universal string and other primitive-only types must not use the constructed form in DER.
  const uint8_t number = element.tag & 0x1f;
  if ((element.tag & 0xc0) == 0 && number != (kSequence & 0x1f) && number != (kSet & 0x1f)) {
    return MakeError(ErrorCode::kBadValue,
                     Named(what, " uses a constructed encoding of universal tag " + Hex2(number)),
                     element.offset);
  }
  Reader inner = element.contents;
  while (!inner.empty()) {
    Element child;
    IKEWOT_RETURN_IF_ERROR(ReadElement(inner, &child, what));
    IKEWOT_RETURN_IF_ERROR(CheckAny(child, what, depth + 1));
  }
  return Status::Ok();
}

}  // namespace

Status ReadElement(Reader& in, Element* out, std::string_view what) {
  // Works on the remaining octets directly: this runs for every element of every certificate,
  // also for each entry of an imported collection, so it avoids a call per octet.
  const size_t start = in.offset();
  const ByteView rest = in.Rest();
  if (rest.empty()) {
    return ErrorAt(ErrorCode::kTruncated, start, what, "input ends before the element");
  }
  const uint8_t tag = rest[0];
  if ((tag & 0x1f) == 0x1f) {
    return ErrorAt(ErrorCode::kUnsupported, start, what,
                   "high-tag-number form (identifier " + Hex2(tag) + ") is not used here");
  }
  if ((tag & 0xdf) == 0x00) {  // universal 0 is end-of-contents, only for indefinite lengths
    return ErrorAt(ErrorCode::kBadValue, start, what, "end-of-contents marker (not DER)");
  }
  if (rest.size() < 2) {
    return ErrorAt(ErrorCode::kTruncated, start, what, "input ends inside the length octets");
  }
  const uint8_t first = rest[1];
  size_t header = 2;
  size_t length = first;
  if (first == 0x80) {
    return ErrorAt(ErrorCode::kBadLength, start, what, "indefinite length is not DER");
  }
  if (first > 0x80) {
    const size_t count = first & 0x7f;
    if (count > kMaxLengthOctets) {
      return ErrorAt(ErrorCode::kLimitExceeded, start, what,
                     "length needs " + std::to_string(count) + " octets, at most 4 accepted");
    }
    if (rest.size() < 2 + count) {
      return ErrorAt(ErrorCode::kTruncated, start, what, "input ends inside the length octets");
    }
    if (rest[2] == 0) {
      return ErrorAt(ErrorCode::kBadLength, start, what, "length has a leading zero octet");
    }
    length = 0;
    for (size_t i = 0; i < count; ++i) length = length << 8 | rest[2 + i];
    if (length < 0x80) {
      return ErrorAt(ErrorCode::kBadLength, start, what,
                     "length " + std::to_string(length) + " must use the short form (not DER)");
    }
    header += count;
  }
  if (rest.size() - header < length) {
    return ErrorAt(ErrorCode::kTruncated, start, what,
                   "element promises " + std::to_string(length) + " octets, only " +
                       std::to_string(rest.size() - header) + " remain");
  }
  out->tag = tag;
  out->offset = start;
  out->encoding = rest.subspan(0, header + length);
  out->contents = Reader(rest.subspan(header, length), start + header);
  if (!in.Skip(header + length)) {
    return ErrorAt(ErrorCode::kTruncated, start, what, "element runs past the input");
  }
  return Status::Ok();
}

Status ReadTagged(Reader& in, uint8_t tag, Element* out, std::string_view what) {
  // Checked before reading, so a wrong element costs no length decoding.
  const ByteView rest = in.Rest();
  if (!rest.empty() && rest[0] != tag) {
    return ErrorAt(ErrorCode::kBadValue, in.offset(), what,
                   "expected tag " + Hex2(tag) + ", got " + Hex2(rest[0]));
  }
  return ReadElement(in, out, what);
}

bool NextIs(const Reader& in, uint8_t tag) {
  uint8_t next = 0;
  return in.PeekU8(&next) && next == tag;
}

Status ReadInteger(Reader& in, ByteView* out, std::string_view what, uint8_t tag) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, tag, &element, what));
  ByteView v = element.contents.Rest();
  if (v.empty()) return element.contents.Fail(ErrorCode::kBadValue, Named(what, " is empty"));
  if (v.size() > 1 &&
      ((v[0] == 0x00 && (v[1] & 0x80) == 0) || (v[0] == 0xff && (v[1] & 0x80) != 0))) {
    return element.contents.Fail(ErrorCode::kBadValue,
                                 Named(what, " INTEGER has a redundant leading octet (not DER)"));
  }
  *out = v;
  return Status::Ok();
}

Status ReadOid(Reader& in, ByteView* out, std::string_view what) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, kOid, &element, what));
  ByteView v = element.contents.Rest();
  if (v.empty()) return element.contents.Fail(ErrorCode::kBadValue, Named(what, " OID is empty"));
  bool subidentifier_start = true;
  for (size_t i = 0; i < v.size(); ++i) {
    if (subidentifier_start && v[i] == 0x80) {
      return MakeError(ErrorCode::kBadValue,
                       Named(what, " OID subidentifier has a leading 0x80 octet (not minimal)"),
                       element.contents.offset() + i);
    }
    subidentifier_start = (v[i] & 0x80) == 0;
  }
  if (!subidentifier_start) {
    return element.contents.Fail(ErrorCode::kBadValue, Named(what, " OID ends mid-subidentifier"));
  }
  *out = v;
  return Status::Ok();
}

Status ReadBoolean(Reader& in, bool* out, std::string_view what) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, kBoolean, &element, what));
  ByteView v = element.contents.Rest();
  if (v.size() != 1 || (v[0] != 0x00 && v[0] != 0xff)) {
    return element.contents.Fail(ErrorCode::kBadValue,
                                 Named(what, " BOOLEAN must be one octet 00 or ff (DER)"));
  }
  *out = v[0] == 0xff;
  return Status::Ok();
}

Status ReadBitString(Reader& in, ByteView* out, std::string_view what, uint8_t tag) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, tag, &element, what));
  ByteView v = element.contents.Rest();
  if (v.empty()) {
    return element.contents.Fail(ErrorCode::kBadValue,
                                 Named(what, " BIT STRING lacks its unused-bits octet"));
  }
  const uint8_t unused = v[0];
  if (unused > 7 || (v.size() == 1 && unused != 0)) {
    return element.contents.Fail(
        ErrorCode::kBadValue,
        Named(what, " BIT STRING has " + std::to_string(unused) + " unused bits for " +
                        std::to_string(v.size() - 1) + " octets"));
  }
  if (unused != 0 && (v.back() & ((1u << unused) - 1)) != 0) {
    return element.contents.Fail(ErrorCode::kBadValue,
                                 Named(what, " BIT STRING padding bits are not zero (not DER)"));
  }
  *out = v.subspan(1);
  return Status::Ok();
}

Status ReadWholeOctetBitString(Reader& in, ByteView* out, std::string_view what) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, kBitString, &element, what));
  ByteView v = element.contents.Rest();
  if (v.empty() || v[0] != 0) {
    return element.contents.Fail(ErrorCode::kBadValue,
                                 Named(what, " BIT STRING must hold whole octets (unused bits 0)"));
  }
  *out = v.subspan(1);
  return Status::Ok();
}

Status ReadX509Time(Reader& in, int64_t* unix_seconds, std::string_view what) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadElement(in, &element, what));
  if (element.tag == kUtcTime) return TimeOf(element, 2, unix_seconds, what);
  if (element.tag == kGeneralizedTime) return TimeOf(element, 4, unix_seconds, what);
  return MakeError(ErrorCode::kBadValue,
                   Named(what, " must be UTCTime or GeneralizedTime, got tag " + Hex2(element.tag)),
                   element.offset);
}

Status ReadGeneralizedTime(Reader& in, int64_t* unix_seconds, std::string_view what, uint8_t tag) {
  Element element;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, tag, &element, what));
  return TimeOf(element, 4, unix_seconds, what);
}

Status ReadAny(Reader& in, Element* out, std::string_view what) {
  IKEWOT_RETURN_IF_ERROR(ReadElement(in, out, what));
  return CheckAny(*out, what, 0);
}

}  // namespace ikewot::crypto::der
