// "UNKNOWN(n)" names for registry values the codec does not know.
#pragma once

#include <cstdint>
#include <string_view>

namespace ikewot::ikev2::internal {

// Returns "UNKNOWN(n)" for any 16-bit value. The view points into an immutable table built once
// on first use (about 1 MiB), so callers may keep it like any other name.
std::string_view UnknownName(uint16_t value);

}  // namespace ikewot::ikev2::internal
