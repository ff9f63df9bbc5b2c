// Text forms of certificate fields. Everything in a peer's certificate is attacker-chosen, so
// strings meant for a terminal or a log are reduced to printable ASCII here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/bytes.h"

namespace ikewot::crypto {

// Printable ASCII (0x20..0x7e) is kept, except '\\'; every other byte becomes "\xHH", so the
// result is unambiguous and safe to print.
std::string EscapeForDisplay(std::string_view raw);

// 4 octets: dotted quad. 16 octets: RFC 5952 canonical text (lower case, longest zero run
// as "::"). Any other length has no text form.
std::optional<std::string> FormatIpAddress(ByteView octets);

// "2025-06-01T12:00:00Z" (proleptic Gregorian, UTC) for any int64 second count in years 0..9999;
// out-of-range values print as "@<seconds>".
std::string FormatUnixTimeUtc(int64_t unix_seconds);

// Seconds since 1970-01-01T00:00:00Z of a UTC civil time (month 1..12, day 1..31).
int64_t UnixSecondsFromCivil(int64_t year, int month, int day, int hour, int minute, int second);

}  // namespace ikewot::crypto
