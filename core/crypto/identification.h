// What a user compares to decide that a certificate is the right one (docs/identity.md):
//
//  (a) the SHA-256 fingerprint of the DER certificate as colon-separated upper-case hex, exactly
//      as `openssl x509 -noout -fingerprint -sha256` prints it after '=' -- for copy and paste;
//  (b) the spoken identification: 6 groups of 5 decimal digits, read aloud over the phone.
//      Group i (0..5) is the big-endian 40-bit integer formed by fingerprint octets
//      [5i, 5i+5) taken modulo 100000 and zero-padded, as in Signal's safety numbers. The 30
//      digits carry log2(10^30) = 99.66 bits of the fingerprint; forging a certificate that
//      reads the same as a chosen victim's is a second preimage on that truncation: about
//      2^99.7 certificate hashes (docs/identity.md works out what that costs).
//
// Pure functions of the certificate bytes: no clock, no randomness, no locale.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"

namespace ikewot::crypto {

inline constexpr size_t kIdentificationGroups = 6;
inline constexpr size_t kIdentificationDigitsPerGroup = 5;
inline constexpr size_t kIdentificationOctetsPerGroup = 5;
inline constexpr size_t kIdentificationDigits =
    kIdentificationGroups * kIdentificationDigitsPerGroup;
// log2(10^30), the entropy of the spoken form (bias from the modulo is below 2^-23 per group).
inline constexpr double kIdentificationBits = 99.657842846620870;

// "AB:CD:..." for any digest; for a certificate, of its SHA-256 fingerprint.
std::string FormatFingerprintHex(ByteView digest);
std::string FingerprintHex(const Certificate& cert);

// "12345 67890 12345 67890 12345 67890".
std::string SpokenIdentification(const Certificate& cert);
// The same from a 32-octet SHA-256 fingerprint (kBadLength otherwise).
Result<std::string> SpokenIdentificationFromFingerprint(ByteView sha256);

// What a user typed ("12345-67890 1234567890...") in canonical grouped form: white space and
// '-' are ignored; anything else, or not exactly 30 digits, is kBadValue.
Result<std::string> NormalizeSpokenIdentification(std::string_view typed);
// True when `typed` normalizes to the certificate's spoken identification.
bool SpokenIdentificationMatches(std::string_view typed, const Certificate& cert);

}  // namespace ikewot::crypto
