#include "core/ikev2/internal/unknown_name.h"

#include <array>
#include <cstdio>
#include <memory>

namespace ikewot::ikev2::internal {
namespace {

// "UNKNOWN(65535)" is 14 characters; each slot holds the text and its length in the last byte.
constexpr size_t kSlotSize = 16;
constexpr size_t kSlotCount = 65536;

using Table = std::array<char, kSlotSize * kSlotCount>;

std::unique_ptr<const Table> BuildTable() {
  auto table = std::make_unique<Table>();
  for (size_t value = 0; value < kSlotCount; ++value) {
    char* slot = table->data() + value * kSlotSize;
    int written = std::snprintf(slot, kSlotSize - 1, "UNKNOWN(%zu)", value);
    slot[kSlotSize - 1] = static_cast<char>(written);
  }
  return table;
}

}  // namespace

std::string_view UnknownName(uint16_t value) {
  // Immutable after construction; C++ guarantees the one-time initialisation is thread-safe.
  static const std::unique_ptr<const Table> table = BuildTable();
  const char* slot = table->data() + static_cast<size_t>(value) * kSlotSize;
  return std::string_view(slot, static_cast<size_t>(slot[kSlotSize - 1]));
}

}  // namespace ikewot::ikev2::internal
