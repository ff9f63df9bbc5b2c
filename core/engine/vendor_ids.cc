#include "core/engine/vendor_ids.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string_view>

namespace ikewot::engine {
namespace {

// Several implementations publish MD5(name) as their Vendor ID.
bool IsMd5Of(ByteView vendor_id, std::string_view text) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_md5(), nullptr) != 1) return false;
  return vendor_id.size() == len && std::equal(vendor_id.begin(), vendor_id.end(), digest);
}

bool StartsWith(ByteView data, ByteView prefix) {
  return data.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), data.begin());
}

// "MS NT5 ISAKMPOAKLEY" hashed, followed by a 4-octet version.
constexpr uint8_t kMicrosoftPrefix[] = {0x1E, 0x2B, 0x51, 0x69, 0x05, 0x99, 0x1C, 0x7D,
                                        0x7C, 0x96, 0xFC, 0xBF, 0xB5, 0x87, 0xE4, 0x61};
constexpr uint8_t kMsNegotiationDiscovery[] = {0xFB, 0x1D, 0xE3, 0xCD, 0xF3, 0x41, 0xB7, 0xEA,
                                               0x16, 0xB7, 0xE5, 0xBE, 0x08, 0x55, 0xF1, 0x20};
constexpr uint8_t kCiscoIos[] = {0x3E, 0x98, 0x40, 0x48};

}  // namespace

std::string NameVendorId(ByteView vendor_id) {
  if (IsMd5Of(vendor_id, "strongSwan")) return "strongSwan";
  if (IsMd5Of(vendor_id, "KAME/racoon")) return "KAME/racoon";
  if (IsMd5Of(vendor_id, "RFC 3947")) return "NAT-T (RFC 3947)";
  if (IsMd5Of(vendor_id, "Opportunistic IPsec")) return "libreswan (Opportunistic IPsec)";
  if (StartsWith(vendor_id, AsBytes("OE-Libreswan-"))) {
    return "libreswan " + std::string(vendor_id.begin() + 13, vendor_id.end());
  }
  if (StartsWith(vendor_id, AsBytes("FLEXVPN-SUPPORTED"))) return "Cisco FlexVPN";
  if (StartsWith(vendor_id, kCiscoIos)) return "Cisco IOS";
  if (vendor_id.size() == 20 && StartsWith(vendor_id, kMicrosoftPrefix)) {
    return "Windows (MS NT5 ISAKMPOAKLEY v" + std::to_string(vendor_id[19]) + ")";
  }
  if (std::equal(vendor_id.begin(), vendor_id.end(), std::begin(kMsNegotiationDiscovery),
                 std::end(kMsNegotiationDiscovery))) {
    return "Windows (negotiation discovery)";
  }
  return "";
}

}  // namespace ikewot::engine
