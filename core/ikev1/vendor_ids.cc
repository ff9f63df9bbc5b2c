#include "core/ikev1/vendor_ids.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace ikewot::ikev1 {
namespace {

constexpr uint8_t kNatTraversalVid[] = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
                                        0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
constexpr uint8_t kDpdVid[] = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
                               0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};
constexpr uint8_t kXauthVid[] = {0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12};
constexpr uint8_t kFragmentationVid[] = {0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85,
                                         0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3};

}  // namespace

ByteView NatTraversalVendorId() { return kNatTraversalVid; }
ByteView DpdVendorId() { return kDpdVid; }
ByteView XauthVendorId() { return kXauthVid; }
ByteView FragmentationVendorId() { return kFragmentationVid; }

bool IsNatTraversalVendorId(ByteView vid) {
  return std::equal(vid.begin(), vid.end(), std::begin(kNatTraversalVid),
                    std::end(kNatTraversalVid));
}

bool IsFragmentationVendorId(ByteView vid) {
  return vid.size() >= sizeof(kFragmentationVid) &&
         std::equal(std::begin(kFragmentationVid), std::end(kFragmentationVid), vid.begin());
}

std::vector<Payload> VendorIdPayloads(const std::vector<ByteView>& ids) {
  std::vector<Payload> payloads;
  payloads.reserve(ids.size());
  for (ByteView id : ids) {
    payloads.push_back(MakePayload(VendorIdPayload{Bytes(id.begin(), id.end())}));
  }
  return payloads;
}

}  // namespace ikewot::ikev1
