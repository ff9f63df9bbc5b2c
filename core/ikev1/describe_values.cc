#include "core/ikev1/describe_values.h"

#include <openssl/bio.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>

#include "core/base/writer.h"
#include "core/crypto/certificate_text.h"
#include "core/crypto/openssl_handles.h"
#include "core/ikev1/payload_codec.h"

namespace ikewot::ikev1 {
namespace {

std::string AddressText(ByteView octets) {
  return crypto::FormatIpAddress(octets).value_or(ToHex(octets));
}

// A netmask as prefix length when its one-bits are contiguous.
std::optional<int> PrefixLength(ByteView mask) {
  int bits = 0;
  bool seen_zero = false;
  for (uint8_t byte : mask) {
    for (int bit = 7; bit >= 0; --bit) {
      bool one = (byte >> bit) & 1;
      if (one && seen_zero) return std::nullopt;
      if (one) ++bits;
      if (!one) seen_zero = true;
    }
  }
  return bits;
}

struct KnownVid {
  const char* hex;
  const char* name;
};

// Well-known vendor IDs (MD5 hashes of the vendor strings, as ike-scan's ike-vendor-ids lists).
constexpr KnownVid kKnownVendorIds[] = {
    {"4a131c81070358455c5728f20e95452f", "RFC 3947 NAT-T"},
    {"4485152d18b6bbcd0be8a8469579ddcc", "draft-ietf-ipsec-nat-t-ike-00"},
    {"16f6ca16e4a4066d83821a0f0aeaa862", "draft-ietf-ipsec-nat-t-ike-01"},
    {"90cb80913ebb696e086381b5ec427b1f", "draft-ietf-ipsec-nat-t-ike-02\\n"},
    {"cd60464335df21f87cfdb2fc68b6a448", "draft-ietf-ipsec-nat-t-ike-02"},
    {"7d9419a65310ca6f2c179d9215529d56", "draft-ietf-ipsec-nat-t-ike-03"},
    {"afcad71368a1f1c96b8696fc77570100", "Dead Peer Detection v1.0 (RFC 3706)"},
    {"09002689dfd6b712", "XAUTH"},
    {"12f5f28c457168a9702d9fe274cc0100", "Cisco Unity"},
    {"4048b7d56ebce88525e7de7f00d6c2d3", "IKE Fragmentation"},
    {"882fe56d6fd20dbc2251613b2ebe5beb", "strongSwan"},
    {"7003cbc1097dbe9c2600ba6983bc8b35", "KAME/racoon"},
};

}  // namespace

std::vector<PayloadSpan> PayloadSpans(const Message& message) {
  std::vector<PayloadSpan> spans;
  size_t offset = kHeaderSize;
  for (const Payload& payload : message.payloads) {
    Bytes scratch;
    Writer w(&scratch);
    // A payload that cannot be encoded has no length; later offsets are then unknown too.
    size_t length = SerializePayload(payload, PayloadType::kNone, &w).ok() ? scratch.size() : 0;
    spans.push_back({offset, length});
    offset += length;
  }
  return spans;
}

std::optional<std::string> PrintableText(ByteView data) {
  if (data.empty()) return std::nullopt;
  for (uint8_t b : data) {
    if (b < 0x20 || b > 0x7e) return std::nullopt;
  }
  return crypto::EscapeForDisplay(
      std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

std::optional<std::string> DistinguishedNameText(ByteView der) {
  const unsigned char* cursor = der.data();
  ossl::X509NamePtr name(d2i_X509_NAME(nullptr, &cursor, static_cast<long>(der.size())));
  if (name == nullptr || cursor != der.data() + der.size()) {
    ossl::DrainErrors();
    return std::nullopt;
  }
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || X509_NAME_print_ex(bio.get(), name.get(), 0, XN_FLAG_RFC2253) < 0) {
    ossl::DrainErrors();
    return std::nullopt;
  }
  char* text = nullptr;
  long length = BIO_get_mem_data(bio.get(), &text);
  if (length < 0 || (length > 0 && text == nullptr)) return std::nullopt;
  return crypto::EscapeForDisplay(std::string_view(text, static_cast<size_t>(length)));
}

std::optional<std::string> IdentificationText(IdType type, ByteView data) {
  switch (type) {
    case IdType::kIpv4Address:
      if (data.size() != 4) return std::nullopt;
      return AddressText(data);
    case IdType::kIpv6Address:
      if (data.size() != 16) return std::nullopt;
      return AddressText(data);
    case IdType::kIpv4Subnet:
    case IdType::kIpv6Subnet: {
      size_t half = type == IdType::kIpv4Subnet ? 4 : 16;
      if (data.size() != 2 * half) return std::nullopt;
      ByteView mask = data.subspan(half);
      auto prefix = PrefixLength(mask);
      return AddressText(data.first(half)) + "/" +
             (prefix ? std::to_string(*prefix) : AddressText(mask));
    }
    case IdType::kIpv4Range:
    case IdType::kIpv6Range: {
      size_t half = type == IdType::kIpv4Range ? 4 : 16;
      if (data.size() != 2 * half) return std::nullopt;
      return AddressText(data.first(half)) + "-" + AddressText(data.subspan(half));
    }
    case IdType::kFqdn:
    case IdType::kUserFqdn:
    case IdType::kKeyId:
      return PrintableText(data);
    case IdType::kDerAsn1Dn:
      return DistinguishedNameText(data);
    default:
      return std::nullopt;
  }
}

std::optional<std::string> KnownVendorId(ByteView vendor_id) {
  std::string hex = ToHex(vendor_id);
  for (const KnownVid& known : kKnownVendorIds) {
    if (hex == known.hex) return known.name;
  }
  return std::nullopt;
}

std::string SituationText(uint32_t situation) {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += '|';
    out += part;
  };
  if (situation & kSituationIdentityOnly) add("SIT_IDENTITY_ONLY");
  if (situation & kSituationSecrecy) add("SIT_SECRECY");
  if (situation & kSituationIntegrity) add("SIT_INTEGRITY");
  uint32_t unknown =
      situation & ~(kSituationIdentityOnly | kSituationSecrecy | kSituationIntegrity);
  if (unknown != 0) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "0x%x", unknown);
    add(buf);
  }
  return out.empty() ? "none" : out;
}

std::string AttributeValueText(ProtocolId protocol, const Attribute& attribute) {
  auto integer = attribute.IntegerValue();
  if (!integer) return "0x" + ToHex(attribute.variable_value);
  std::string name = AttributeValueName(protocol, attribute.type, *integer);
  std::string number = std::to_string(*integer);
  return name.empty() ? number : number + " (" + name + ")";
}

}  // namespace ikewot::ikev1
