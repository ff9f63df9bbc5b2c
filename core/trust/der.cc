#include "core/trust/der.h"

#include <array>
#include <cstdio>

#include "core/crypto/certificate_text.h"

namespace ikewot::trust::der {
namespace {

Error ErrorAt(ErrorCode code, size_t offset, std::string_view what, const std::string& why) {
  return MakeError(code, std::string(what) + ": " + why, offset);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Reads `n` ASCII digits as a number; false if any is not a digit.
bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Validates calendar fields and converts them to Unix seconds.
bool CivilToUnix(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                 int64_t second, int64_t* out) {
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  *out = crypto::UnixSecondsFromCivil(year, static_cast<int>(month), static_cast<int>(day),
                                      static_cast<int>(hour), static_cast<int>(minute),
                                      static_cast<int>(second));
  return true;
}

Status CheckShapeRec(Reader in, size_t depth, size_t max_depth, size_t* budget,
                     std::string_view what) {
  while (!in.empty()) {
    Element e;
    IKEWOT_RETURN_IF_ERROR(ReadElement(in, &e, what));
    if (*budget == 0) {
      return ErrorAt(ErrorCode::kLimitExceeded, e.offset, what, "too many DER elements");
    }
    --*budget;
    // X.690 §10.2 and §8.9/§8.11: in DER, strings are primitive and SEQUENCE/SET constructed.
    // OpenSSL's decoder is lenient here, so a flipped constructed bit could otherwise pass.
    if ((e.tag & 0xc0) == 0) {
      const uint8_t number = e.tag & 0x1f;
      const bool constructed = e.tag & 0x20;
      if ((number == 16 || number == 17) != constructed) {
        return ErrorAt(ErrorCode::kBadValue, e.offset, what,
                       constructed ? "a universal primitive type is encoded constructed"
                                   : "SEQUENCE/SET must be constructed");
      }
    }
    if (e.tag & 0x20) {
      if (depth + 1 > max_depth) {
        return ErrorAt(ErrorCode::kLimitExceeded, e.offset, what,
                       "DER nests deeper than " + std::to_string(max_depth) + " levels");
      }
      IKEWOT_RETURN_IF_ERROR(CheckShapeRec(e.contents, depth + 1, max_depth, budget, what));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ReadUint63(Reader& in, uint64_t* out, std::string_view what) {
  Element e;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, kInteger, &e, what));
  ByteView v = e.contents.Rest();
  if (v.empty()) return ErrorAt(ErrorCode::kBadLength, e.offset, what, "INTEGER has no octets");
  if (v[0] & 0x80) return ErrorAt(ErrorCode::kBadValue, e.offset, what, "must not be negative");
  if (v.size() > 1 && v[0] == 0 && !(v[1] & 0x80)) {
    return ErrorAt(ErrorCode::kBadValue, e.offset, what, "INTEGER is not minimally encoded");
  }
  if (v[0] == 0) v = v.subspan(1);
  if (v.size() > 8 || (v.size() == 8 && (v[0] & 0x80))) {
    return ErrorAt(ErrorCode::kLimitExceeded, e.offset, what, "value does not fit in 63 bits");
  }
  uint64_t value = 0;
  for (uint8_t b : v) value = value << 8 | b;
  *out = value;
  return Status::Ok();
}

Status ReadOctetString(Reader& in, ByteView* out, std::string_view what) {
  Element e;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, kOctetString, &e, what));
  *out = e.contents.Rest();
  return Status::Ok();
}

Status ReadUtf8(Reader& in, std::string* out, size_t max_bytes, std::string_view what) {
  Element e;
  IKEWOT_RETURN_IF_ERROR(ReadTagged(in, kUtf8String, &e, what));
  ByteView v = e.contents.Rest();
  if (v.size() > max_bytes) {
    return ErrorAt(ErrorCode::kLimitExceeded, e.offset, what,
                   "string of " + std::to_string(v.size()) + " octets exceeds the limit of " +
                       std::to_string(max_bytes));
  }
  std::string s(reinterpret_cast<const char*>(v.data()), v.size());
  if (!IsValidUtf8(s)) return ErrorAt(ErrorCode::kBadValue, e.offset, what, "invalid UTF-8");
  *out = std::move(s);
  return Status::Ok();
}

Result<int64_t> ParseUnixTime(std::string_view text) {
  int64_t year, month, day, hour = 0, minute = 0, second = 0;
  const bool date_only = text.size() == 10;
  const bool full =
      text.size() == 20 && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == 'Z';
  bool ok = (date_only || full) && text[4] == '-' && text[7] == '-' && Digits(text, 0, 4, &year) &&
            Digits(text, 5, 2, &month) && Digits(text, 8, 2, &day);
  if (ok && full) {
    ok = Digits(text, 11, 2, &hour) && Digits(text, 14, 2, &minute) && Digits(text, 17, 2, &second);
  }
  int64_t out;
  if (!ok || !CivilToUnix(year, month, day, hour, minute, second, &out)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "time must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), got \"" +
                         std::string(text.substr(0, 40)) + "\"");
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

Status CheckShape(ByteView der, size_t max_depth, size_t max_elements, std::string_view what) {
  Reader in(der);
  size_t budget = max_elements;
  return CheckShapeRec(in, 0, max_depth, &budget, what);
}

}  // namespace ikewot::trust::der
