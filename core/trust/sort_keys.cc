#include "core/trust/sort_keys.h"

#include <algorithm>
#include <cstring>

namespace ikewot::trust {
namespace {

uint64_t BigEndian64(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | (i < n ? p[i] : 0);
  return v;
}

int CompareBytes(ByteView a, ByteView b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

ByteView View(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

PrefixKey PrefixKey::Of(ByteView s) {
  PrefixKey k;
  k.high = BigEndian64(s.data(), s.size());
  k.low = s.size() > 8 ? BigEndian64(s.data() + 8, s.size() - 8) : 0;
  return k;
}

PrefixKey PrefixKey::Of(std::string_view s) { return Of(View(s)); }

std::vector<uint32_t> SortedOrder(const std::vector<ByteView>& keys) {
  struct Item {
    PrefixKey prefix;
    uint32_t position;
  };
  std::vector<Item> items(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    items[i] = Item{PrefixKey::Of(keys[i]), static_cast<uint32_t>(i)};
  }
  std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (!(a.prefix == b.prefix)) return a.prefix < b.prefix;
    return CompareBytes(keys[a.position], keys[b.position]) < 0;
  });
  std::vector<uint32_t> order(items.size());
  for (size_t i = 0; i < items.size(); ++i) order[i] = items[i].position;
  return order;
}

void SortIdentityPairs(std::vector<IdentityPair>* pairs) {
  struct Item {
    PrefixKey identity_prefix;
    PrefixKey fp_prefix;
    IdentityPair pair;
  };
  std::vector<Item> items;
  items.reserve(pairs->size());
  for (const IdentityPair& p : *pairs) {
    items.push_back(Item{PrefixKey::Of(p.first), PrefixKey::Of(p.second), p});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (!(a.identity_prefix == b.identity_prefix)) return a.identity_prefix < b.identity_prefix;
    if (const int c = CompareBytes(View(a.pair.first), View(b.pair.first)); c != 0) return c < 0;
    if (!(a.fp_prefix == b.fp_prefix)) return a.fp_prefix < b.fp_prefix;
    return CompareBytes(a.pair.second, b.pair.second) < 0;
  });
  for (size_t i = 0; i < items.size(); ++i) (*pairs)[i] = items[i].pair;
}

}  // namespace ikewot::trust
