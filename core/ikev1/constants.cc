#include "core/ikev1/constants.h"

#include <cstdio>
#include <span>

namespace ikewot::ikev1 {
namespace {

struct NamedValue {
  uint64_t value;
  const char* name;
};

std::string Unknown(uint64_t value) { return "UNKNOWN(" + std::to_string(value) + ")"; }

const char* Find(std::span<const NamedValue> table, uint64_t value) {
  for (const NamedValue& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return nullptr;
}

std::string Lookup(std::span<const NamedValue> table, uint64_t value) {
  const char* name = Find(table, value);
  return name != nullptr ? std::string(name) : Unknown(value);
}

constexpr NamedValue kPayloadTypes[] = {
    {0, "NONE"},
    {1, "SA"},
    {2, "P"},
    {3, "T"},
    {4, "KE"},
    {5, "ID"},
    {6, "CERT"},
    {7, "CR"},
    {8, "HASH"},
    {9, "SIG"},
    {10, "NONCE"},
    {11, "N"},
    {12, "D"},
    {13, "VID"},
    {20, "NAT-D"},
    {21, "NAT-OA"},
    {130, "NAT-D-DRAFT"},
    {131, "NAT-OA-DRAFT"},
    {132, "FRAG"},
};

constexpr NamedValue kExchangeTypes[] = {
    {0, "NONE"},
    {1, "BASE"},
    {2, "IDENTITY_PROTECTION (Main Mode)"},
    {3, "AUTHENTICATION_ONLY"},
    {4, "AGGRESSIVE"},
    {5, "INFORMATIONAL"},
    {6, "TRANSACTION (Mode Config)"},
    {32, "QUICK_MODE"},
    {33, "NEW_GROUP_MODE"},
};

constexpr NamedValue kDois[] = {{0, "ISAKMP"}, {1, "IPSEC"}};

constexpr NamedValue kProtocols[] = {
    {0, "RESERVED"},        {1, "PROTO_ISAKMP"}, {2, "PROTO_IPSEC_AH"},
    {3, "PROTO_IPSEC_ESP"}, {4, "PROTO_IPCOMP"},
};

constexpr NamedValue kNotifyTypes[] = {
    {1, "INVALID-PAYLOAD-TYPE"},
    {2, "DOI-NOT-SUPPORTED"},
    {3, "SITUATION-NOT-SUPPORTED"},
    {4, "INVALID-COOKIE"},
    {5, "INVALID-MAJOR-VERSION"},
    {6, "INVALID-MINOR-VERSION"},
    {7, "INVALID-EXCHANGE-TYPE"},
    {8, "INVALID-FLAGS"},
    {9, "INVALID-MESSAGE-ID"},
    {10, "INVALID-PROTOCOL-ID"},
    {11, "INVALID-SPI"},
    {12, "INVALID-TRANSFORM-ID"},
    {13, "ATTRIBUTES-NOT-SUPPORTED"},
    {14, "NO-PROPOSAL-CHOSEN"},
    {15, "BAD-PROPOSAL-SYNTAX"},
    {16, "PAYLOAD-MALFORMED"},
    {17, "INVALID-KEY-INFORMATION"},
    {18, "INVALID-ID-INFORMATION"},
    {19, "INVALID-CERT-ENCODING"},
    {20, "INVALID-CERTIFICATE"},
    {21, "CERT-TYPE-UNSUPPORTED"},
    {22, "INVALID-CERT-AUTHORITY"},
    {23, "INVALID-HASH-INFORMATION"},
    {24, "AUTHENTICATION-FAILED"},
    {25, "INVALID-SIGNATURE"},
    {26, "ADDRESS-NOTIFICATION"},
    {27, "NOTIFY-SA-LIFETIME"},
    {28, "CERTIFICATE-UNAVAILABLE"},
    {29, "UNSUPPORTED-EXCHANGE-TYPE"},
    {30, "UNEQUAL-PAYLOAD-LENGTHS"},
    {16384, "CONNECTED"},
    {24576, "RESPONDER-LIFETIME"},
    {24577, "REPLAY-STATUS"},
    {24578, "INITIAL-CONTACT"},
    {36136, "R-U-THERE"},
    {36137, "R-U-THERE-ACK"},
};

constexpr NamedValue kIdTypes[] = {
    {0, "RESERVED"},
    {1, "ID_IPV4_ADDR"},
    {2, "ID_FQDN"},
    {3, "ID_USER_FQDN"},
    {4, "ID_IPV4_ADDR_SUBNET"},
    {5, "ID_IPV6_ADDR"},
    {6, "ID_IPV6_ADDR_SUBNET"},
    {7, "ID_IPV4_ADDR_RANGE"},
    {8, "ID_IPV6_ADDR_RANGE"},
    {9, "ID_DER_ASN1_DN"},
    {10, "ID_DER_ASN1_GN"},
    {11, "ID_KEY_ID"},
    {12, "ID_LIST"},
};

constexpr NamedValue kCertEncodings[] = {
    {0, "NONE"},
    {1, "PKCS #7 wrapped X.509 certificate"},
    {2, "PGP Certificate"},
    {3, "DNS Signed Key"},
    {4, "X.509 Certificate - Signature"},
    {5, "X.509 Certificate - Key Exchange"},
    {6, "Kerberos Tokens"},
    {7, "Certificate Revocation List (CRL)"},
    {8, "Authority Revocation List (ARL)"},
    {9, "SPKI Certificate"},
    {10, "X.509 Certificate - Attribute"},
};

constexpr NamedValue kIsakmpTransforms[] = {{1, "KEY_IKE"}};
constexpr NamedValue kAhTransforms[] = {
    {2, "AH_MD5"},           {3, "AH_SHA"},           {4, "AH_DES"},
    {5, "AH_SHA2-256"},      {6, "AH_SHA2-384"},      {7, "AH_SHA2-512"},
    {8, "AH_RIPEMD"},        {9, "AH_AES-XCBC-MAC"},  {11, "AH_AES-128-GMAC"},
    {12, "AH_AES-192-GMAC"}, {13, "AH_AES-256-GMAC"},
};
constexpr NamedValue kEspTransforms[] = {
    {1, "ESP_DES_IV64"},    {2, "ESP_DES"},
    {3, "ESP_3DES"},        {4, "ESP_RC5"},
    {5, "ESP_IDEA"},        {6, "ESP_CAST"},
    {7, "ESP_BLOWFISH"},    {8, "ESP_3IDEA"},
    {9, "ESP_DES_IV32"},    {10, "ESP_RC4"},
    {11, "ESP_NULL"},       {12, "ESP_AES"},
    {13, "ESP_AES-CTR"},    {14, "ESP_AES-CCM_8"},
    {15, "ESP_AES-CCM_12"}, {16, "ESP_AES-CCM_16"},
    {18, "ESP_AES-GCM_8"},  {19, "ESP_AES-GCM_12"},
    {20, "ESP_AES-GCM_16"}, {21, "ESP_NULL_AUTH_AES-GMAC"},
    {22, "ESP_CAMELLIA"},
};
constexpr NamedValue kIpcompTransforms[] = {
    {1, "IPCOMP_OUI"},
    {2, "IPCOMP_DEFLATE"},
    {3, "IPCOMP_LZS"},
    {4, "IPCOMP_LZJH"},
};

constexpr NamedValue kPhase1Attributes[] = {
    {1, "Encryption Algorithm"},
    {2, "Hash Algorithm"},
    {3, "Authentication Method"},
    {4, "Group Description"},
    {5, "Group Type"},
    {6, "Group Prime/Irreducible Polynomial"},
    {7, "Group Generator One"},
    {8, "Group Generator Two"},
    {9, "Group Curve A"},
    {10, "Group Curve B"},
    {11, "Life Type"},
    {12, "Life Duration"},
    {13, "PRF"},
    {14, "Key Length"},
    {15, "Field Size"},
    {16, "Group Order"},
};
constexpr NamedValue kIpsecAttributes[] = {
    {1, "SA Life Type"},       {2, "SA Life Duration"},         {3, "Group Description"},
    {4, "Encapsulation Mode"}, {5, "Authentication Algorithm"}, {6, "Key Length"},
    {7, "Key Rounds"},         {8, "Compress Dictionary Size"}, {9, "Compress Private Algorithm"},
};

constexpr NamedValue kEncryptionAlgorithms[] = {
    {1, "DES-CBC"},  {2, "IDEA-CBC"}, {3, "Blowfish-CBC"}, {4, "RC5-R16-B64-CBC"},
    {5, "3DES-CBC"}, {6, "CAST-CBC"}, {7, "AES-CBC"},      {8, "Camellia-CBC"},
};
constexpr NamedValue kHashAlgorithms[] = {
    {1, "MD5"}, {2, "SHA"}, {3, "Tiger"}, {4, "SHA2-256"}, {5, "SHA2-384"}, {6, "SHA2-512"},
};
constexpr NamedValue kAuthenticationMethods[] = {
    {1, "Pre-Shared Key"},
    {2, "DSS Signatures"},
    {3, "RSA Signatures"},
    {4, "Encryption with RSA"},
    {5, "Revised Encryption with RSA"},
    {9, "ECDSA with SHA-256 on the P-256 curve"},
    {10, "ECDSA with SHA-384 on the P-384 curve"},
    {11, "ECDSA with SHA-512 on the P-521 curve"},
    {64221, "HybridInitRSA"},
    {64222, "HybridRespRSA"},
    {64223, "HybridInitDSS"},
    {64224, "HybridRespDSS"},
    {65001, "XAUTHInitPreShared"},
    {65002, "XAUTHRespPreShared"},
    {65003, "XAUTHInitDSS"},
    {65004, "XAUTHRespDSS"},
    {65005, "XAUTHInitRSA"},
    {65006, "XAUTHRespRSA"},
    {65007, "XAUTHInitRSAEncryption"},
    {65008, "XAUTHRespRSAEncryption"},
    {65009, "XAUTHInitRSARevisedEncryption"},
    {65010, "XAUTHRespRSARevisedEncryption"},
};
constexpr NamedValue kGroups[] = {
    {1, "MODP-768"},         {2, "MODP-1024"},        {3, "EC2N-155"},
    {4, "EC2N-185"},         {5, "MODP-1536"},        {14, "MODP-2048"},
    {15, "MODP-3072"},       {16, "MODP-4096"},       {17, "MODP-6144"},
    {18, "MODP-8192"},       {19, "ECP-256"},         {20, "ECP-384"},
    {21, "ECP-521"},         {22, "MODP-1024-S160"},  {23, "MODP-2048-S224"},
    {24, "MODP-2048-S256"},  {25, "ECP-192"},         {26, "ECP-224"},
    {27, "brainpoolP224r1"}, {28, "brainpoolP256r1"}, {29, "brainpoolP384r1"},
    {30, "brainpoolP512r1"}, {31, "Curve25519"},      {32, "Curve448"},
};
constexpr NamedValue kGroupTypes[] = {{1, "MODP"}, {2, "ECP"}, {3, "EC2N"}};
constexpr NamedValue kLifeTypes[] = {{1, "seconds"}, {2, "kilobytes"}};
constexpr NamedValue kEncapsulationModes[] = {
    {1, "Tunnel"},
    {2, "Transport"},
    {3, "UDP-Encapsulated-Tunnel"},
    {4, "UDP-Encapsulated-Transport"},
    {61443, "UDP-Encapsulated-Tunnel (draft)"},
    {61444, "UDP-Encapsulated-Transport (draft)"},
};
constexpr NamedValue kIpsecAuthAlgorithms[] = {
    {1, "HMAC-MD5"},      {2, "HMAC-SHA"},      {3, "DES-MAC"},       {4, "KPDK"},
    {5, "HMAC-SHA2-256"}, {6, "HMAC-SHA2-384"}, {7, "HMAC-SHA2-512"}, {8, "HMAC-RIPEMD"},
    {9, "AES-XCBC-MAC"},  {10, "SIG-RSA"},      {11, "AES-128-GMAC"}, {12, "AES-192-GMAC"},
    {13, "AES-256-GMAC"},
};

std::string OptionalName(std::span<const NamedValue> table, uint64_t value) {
  const char* name = Find(table, value);
  return name != nullptr ? std::string(name) : std::string();
}

}  // namespace

std::string PayloadTypeName(PayloadType type) {
  auto value = static_cast<uint8_t>(type);
  if (const char* name = Find(kPayloadTypes, value)) return name;
  if (value >= 128) return "PRIVATE(" + std::to_string(value) + ")";
  return Unknown(value);
}

std::string ExchangeTypeName(ExchangeType type) {
  return Lookup(kExchangeTypes, static_cast<uint8_t>(type));
}
std::string DoiName(Doi doi) { return Lookup(kDois, static_cast<uint32_t>(doi)); }
std::string ProtocolIdName(ProtocolId protocol) {
  return Lookup(kProtocols, static_cast<uint8_t>(protocol));
}
std::string NotifyTypeName(NotifyType type) {
  return Lookup(kNotifyTypes, static_cast<uint16_t>(type));
}
std::string IdTypeName(IdType type) { return Lookup(kIdTypes, static_cast<uint8_t>(type)); }
std::string CertEncodingName(CertEncoding encoding) {
  return Lookup(kCertEncodings, static_cast<uint8_t>(encoding));
}

std::string TransformIdName(ProtocolId protocol, uint8_t transform_id) {
  switch (protocol) {
    case ProtocolId::kIsakmp:
      return Lookup(kIsakmpTransforms, transform_id);
    case ProtocolId::kAh:
      return Lookup(kAhTransforms, transform_id);
    case ProtocolId::kEsp:
      return Lookup(kEspTransforms, transform_id);
    case ProtocolId::kIpcomp:
      return Lookup(kIpcompTransforms, transform_id);
    default:
      return Unknown(transform_id);
  }
}

std::string AttributeTypeName(ProtocolId protocol, uint16_t type) {
  if (protocol == ProtocolId::kIsakmp) return Lookup(kPhase1Attributes, type);
  return Lookup(kIpsecAttributes, type);
}

std::string AttributeValueName(ProtocolId protocol, uint16_t type, uint64_t value) {
  if (protocol == ProtocolId::kIsakmp) {
    switch (static_cast<Phase1Attribute>(type)) {
      case Phase1Attribute::kEncryptionAlgorithm:
        return OptionalName(kEncryptionAlgorithms, value);
      case Phase1Attribute::kHashAlgorithm:
        return OptionalName(kHashAlgorithms, value);
      case Phase1Attribute::kAuthenticationMethod:
        return OptionalName(kAuthenticationMethods, value);
      case Phase1Attribute::kGroupDescription:
        return OptionalName(kGroups, value);
      case Phase1Attribute::kGroupType:
        return OptionalName(kGroupTypes, value);
      case Phase1Attribute::kLifeType:
        return OptionalName(kLifeTypes, value);
      default:
        return "";
    }
  }
  switch (static_cast<IpsecAttribute>(type)) {
    case IpsecAttribute::kSaLifeType:
      return OptionalName(kLifeTypes, value);
    case IpsecAttribute::kGroupDescription:
      return OptionalName(kGroups, value);
    case IpsecAttribute::kEncapsulationMode:
      return OptionalName(kEncapsulationModes, value);
    case IpsecAttribute::kAuthenticationAlgorithm:
      return OptionalName(kIpsecAuthAlgorithms, value);
    default:
      return "";
  }
}

std::string FlagsName(uint8_t flags) {
  if (flags == 0) return "none";
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += '|';
    out += part;
  };
  if (flags & kFlagEncryption) add("E");
  if (flags & kFlagCommit) add("C");
  if (flags & kFlagAuthenticationOnly) add("A");
  if (uint8_t unknown = flags & ~kKnownFlags; unknown != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "0x%02x", unknown);
    add(buf);
  }
  return out;
}

}  // namespace ikewot::ikev1
