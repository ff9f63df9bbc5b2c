// Reading helpers shared by the payload codecs: each wraps one Reader call and turns a short read
// into a kTruncated error that names the field and carries the absolute offset where it starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"

namespace ikewot::ikev2::internal {

// "truncated <what>: needs N octets, M remain".
Error Truncated(const Reader& r, std::string_view what, size_t needed);

[[nodiscard]] Status ReadU8(Reader& r, std::string_view what, uint8_t* out);
[[nodiscard]] Status ReadU16(Reader& r, std::string_view what, uint16_t* out);
[[nodiscard]] Status ReadU24(Reader& r, std::string_view what, uint32_t* out);
[[nodiscard]] Status ReadU32(Reader& r, std::string_view what, uint32_t* out);
[[nodiscard]] Status ReadU64(Reader& r, std::string_view what, uint64_t* out);
[[nodiscard]] Status CopyBytes(Reader& r, size_t n, std::string_view what, Bytes* out);

// Reads a substructure whose 16-bit length counts its own `header_size` octets already read from
// `r` (starting at `start_offset`): checks the length covers the header, and splits the rest of
// the substructure off into `body`. A length that runs past the end of `r` is kTruncated.
[[nodiscard]] Status ReadCountedBody(Reader& r, std::string_view what, uint16_t length,
                                     size_t header_size, size_t length_field_offset, Reader* body);

// Fails with kInvalidArgument when `value` does not fit in `bits` bits (for serializers).
[[nodiscard]] Status CheckFits(uint64_t value, int bits, std::string_view what);

// "the value of <what> at <offset>" style messages need numbers; this keeps call sites short.
inline std::string Num(uint64_t value) { return std::to_string(value); }

}  // namespace ikewot::ikev2::internal
