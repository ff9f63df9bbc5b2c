// Numbers of the ISAKMP/IKEv1 wire format with their names: RFC 2408 (ISAKMP), RFC 2407 (IPsec
// DOI), RFC 2409 (IKE), RFC 3947 (NAT traversal) and the Cisco/strongSwan IKEv1 fragmentation
// payload. Enums have a fixed underlying type so any wire value can be held; values the RFCs do
// not name print as "UNKNOWN(n)" or "PRIVATE(n)".
#pragma once

#include <cstdint>
#include <string>

namespace ikewot::ikev1 {

inline constexpr uint8_t kMajorVersion = 1;
inline constexpr uint8_t kMinorVersion = 0;
inline constexpr size_t kHeaderSize = 28;        // RFC 2408 §3.1
inline constexpr size_t kGenericHeaderSize = 4;  // RFC 2408 §3.2
inline constexpr size_t kCookieSize = 8;

// RFC 2408 §3.1 "Next Payload Types"; NAT-D/NAT-OA from RFC 3947 §3.2/§5.1 (130/131 from
// draft-ietf-ipsec-nat-t-ike-02/03, still sent by old peers); 132 = IKEv1 fragmentation.
enum class PayloadType : uint8_t {
  kNone = 0,
  kSecurityAssociation = 1,
  kProposal = 2,
  kTransform = 3,
  kKeyExchange = 4,
  kIdentification = 5,
  kCertificate = 6,
  kCertificateRequest = 7,
  kHash = 8,
  kSignature = 9,
  kNonce = 10,
  kNotification = 11,
  kDelete = 12,
  kVendorId = 13,
  kNatDiscovery = 20,
  kNatOriginalAddress = 21,
  kNatDiscoveryDraft = 130,
  kNatOriginalAddressDraft = 131,
  kFragment = 132,
};

// IKEv2 payload numbers (RFC 7296 §3.2 and its IANA registry): never valid in an IKEv1 message.
inline constexpr uint8_t kFirstIkev2PayloadType = 33;
inline constexpr uint8_t kLastIkev2PayloadType = 54;
inline constexpr bool IsIkev2PayloadType(uint8_t t) {
  return t >= kFirstIkev2PayloadType && t <= kLastIkev2PayloadType;
}

// RFC 2408 §3.1 "Exchange Type"; 6 is Transaction (Mode Config, draft-dukes-ike-mode-cfg).
enum class ExchangeType : uint8_t {
  kNone = 0,
  kBase = 1,
  kIdentityProtection = 2,  // Main Mode
  kAuthenticationOnly = 3,
  kAggressive = 4,
  kInformational = 5,
  kTransaction = 6,
  kQuickMode = 32,     // RFC 2409 §5.5
  kNewGroupMode = 33,  // RFC 2409 §5.6
};

// RFC 2408 §3.1 header flags.
inline constexpr uint8_t kFlagEncryption = 0x01;
inline constexpr uint8_t kFlagCommit = 0x02;
inline constexpr uint8_t kFlagAuthenticationOnly = 0x04;
inline constexpr uint8_t kKnownFlags = kFlagEncryption | kFlagCommit | kFlagAuthenticationOnly;

// RFC 2408 §3.4 / RFC 2407 §4.2: Domain of Interpretation.
enum class Doi : uint32_t { kIsakmp = 0, kIpsec = 1 };

// RFC 2407 §4.2 situation bits of the IPsec DOI.
inline constexpr uint32_t kSituationIdentityOnly = 0x01;
inline constexpr uint32_t kSituationSecrecy = 0x02;
inline constexpr uint32_t kSituationIntegrity = 0x04;

// RFC 2407 §4.4.1 protocol identifiers.
enum class ProtocolId : uint8_t { kReserved = 0, kIsakmp = 1, kAh = 2, kEsp = 3, kIpcomp = 4 };

// RFC 2407 §4.4.2: the only ISAKMP transform.
inline constexpr uint8_t kTransformKeyIke = 1;

// RFC 2409 Appendix A: phase-1 attribute classes. "B" classes are basic (TV), "V" variable (TLV).
enum class Phase1Attribute : uint16_t {
  kEncryptionAlgorithm = 1,   // B
  kHashAlgorithm = 2,         // B
  kAuthenticationMethod = 3,  // B
  kGroupDescription = 4,      // B
  kGroupType = 5,             // B
  kGroupPrime = 6,            // V
  kGroupGeneratorOne = 7,     // V
  kGroupGeneratorTwo = 8,     // V
  kGroupCurveA = 9,           // V
  kGroupCurveB = 10,          // V
  kLifeType = 11,             // B
  kLifeDuration = 12,         // V
  kPrf = 13,                  // B
  kKeyLength = 14,            // B
  kFieldSize = 15,            // B
  kGroupOrder = 16,           // V
};

// RFC 2409 Appendix A values (AES: RFC 3602; Camellia: RFC 4312; SHA-2: RFC 4868).
enum class EncryptionAlgorithm : uint16_t {
  kDesCbc = 1,
  kIdeaCbc = 2,
  kBlowfishCbc = 3,
  kRc5R16B64Cbc = 4,
  kTripleDesCbc = 5,
  kCastCbc = 6,
  kAesCbc = 7,
  kCamelliaCbc = 8,
};
enum class HashAlgorithm : uint16_t {
  kMd5 = 1,
  kSha1 = 2,
  kTiger = 3,
  kSha2_256 = 4,
  kSha2_384 = 5,
  kSha2_512 = 6,
};
// RFC 2409 Appendix A; ECDSA from RFC 4754; XAUTH/hybrid from draft-ietf-ipsec-isakmp-xauth and
// draft-ietf-ipsec-isakmp-hybrid-auth (private-use values everybody sends).
enum class AuthenticationMethod : uint16_t {
  kPreSharedKey = 1,
  kDssSignature = 2,
  kRsaSignature = 3,
  kRsaEncryption = 4,
  kRsaRevisedEncryption = 5,
  kEcdsaSha256P256 = 9,
  kEcdsaSha384P384 = 10,
  kEcdsaSha512P521 = 11,
  kHybridInitRsa = 64221,
  kHybridRespRsa = 64222,
  kHybridInitDss = 64223,
  kHybridRespDss = 64224,
  kXauthInitPreShared = 65001,
  kXauthRespPreShared = 65002,
  kXauthInitDss = 65003,
  kXauthRespDss = 65004,
  kXauthInitRsa = 65005,
  kXauthRespRsa = 65006,
  kXauthInitRsaEncryption = 65007,
  kXauthRespRsaEncryption = 65008,
  kXauthInitRsaRevisedEncryption = 65009,
  kXauthRespRsaRevisedEncryption = 65010,
};
enum class GroupType : uint16_t { kModp = 1, kEcp = 2, kEc2n = 3 };
enum class LifeType : uint16_t { kSeconds = 1, kKilobytes = 2 };

// RFC 2407 §4.5: IPsec DOI (phase-2) SA attributes.
enum class IpsecAttribute : uint16_t {
  kSaLifeType = 1,
  kSaLifeDuration = 2,
  kGroupDescription = 3,
  kEncapsulationMode = 4,
  kAuthenticationAlgorithm = 5,
  kKeyLength = 6,
  kKeyRounds = 7,
  kCompressDictionarySize = 8,
  kCompressPrivateAlgorithm = 9,
};
// RFC 2407 §4.5 and RFC 3947 §5.3 (61443/61444: the draft values).
enum class EncapsulationMode : uint16_t {
  kTunnel = 1,
  kTransport = 2,
  kUdpTunnel = 3,
  kUdpTransport = 4,
  kUdpTunnelDraft = 61443,
  kUdpTransportDraft = 61444,
};

// RFC 2408 §3.14.1 (1..30, 16384), RFC 2407 §4.6.3 (24576..24578), RFC 3706 (DPD).
enum class NotifyType : uint16_t {
  kInvalidPayloadType = 1,
  kDoiNotSupported = 2,
  kSituationNotSupported = 3,
  kInvalidCookie = 4,
  kInvalidMajorVersion = 5,
  kInvalidMinorVersion = 6,
  kInvalidExchangeType = 7,
  kInvalidFlags = 8,
  kInvalidMessageId = 9,
  kInvalidProtocolId = 10,
  kInvalidSpi = 11,
  kInvalidTransformId = 12,
  kAttributesNotSupported = 13,
  kNoProposalChosen = 14,
  kBadProposalSyntax = 15,
  kPayloadMalformed = 16,
  kInvalidKeyInformation = 17,
  kInvalidIdInformation = 18,
  kInvalidCertEncoding = 19,
  kInvalidCertificate = 20,
  kCertTypeUnsupported = 21,
  kInvalidCertAuthority = 22,
  kInvalidHashInformation = 23,
  kAuthenticationFailed = 24,
  kInvalidSignature = 25,
  kAddressNotification = 26,
  kNotifySaLifetime = 27,
  kCertificateUnavailable = 28,
  kUnsupportedExchangeType = 29,
  kUnequalPayloadLengths = 30,
  kConnected = 16384,
  kResponderLifetime = 24576,
  kReplayStatus = 24577,
  kInitialContact = 24578,
  kRUThere = 36136,
  kRUThereAck = 36137,
};

// RFC 2407 §4.6.2.1 identification types (12: ID_LIST, RFC 3554).
enum class IdType : uint8_t {
  kReserved = 0,
  kIpv4Address = 1,
  kFqdn = 2,
  kUserFqdn = 3,
  kIpv4Subnet = 4,
  kIpv6Address = 5,
  kIpv6Subnet = 6,
  kIpv4Range = 7,
  kIpv6Range = 8,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
  kList = 12,
};

// RFC 2408 §3.9 certificate encodings.
enum class CertEncoding : uint8_t {
  kNone = 0,
  kPkcs7WrappedX509 = 1,
  kPgp = 2,
  kDnsSignedKey = 3,
  kX509Signature = 4,
  kX509KeyExchange = 5,
  kKerberosTokens = 6,
  kCrl = 7,
  kArl = 8,
  kSpki = 9,
  kX509Attribute = 10,
};

// IKEv1 fragmentation (Cisco; strongSwan fragment_payload.c): flag of the last fragment.
inline constexpr uint8_t kFragmentFlagLast = 0x01;

// Names. Each returns the registry name, or "UNKNOWN(n)" / "PRIVATE(n)" for unnamed values.
std::string PayloadTypeName(PayloadType type);
std::string ExchangeTypeName(ExchangeType type);
std::string DoiName(Doi doi);
std::string ProtocolIdName(ProtocolId protocol);
std::string NotifyTypeName(NotifyType type);
std::string IdTypeName(IdType type);
std::string CertEncodingName(CertEncoding encoding);
// Transform IDs depend on the protocol (RFC 2407 §4.4.2..§4.4.5).
std::string TransformIdName(ProtocolId protocol, uint8_t transform_id);
// Attribute classes depend on the protocol: ISAKMP -> RFC 2409 App. A, others -> RFC 2407 §4.5.
std::string AttributeTypeName(ProtocolId protocol, uint16_t type);
// Name of an enumerated attribute value, or "" when the class is not an enumeration (durations,
// key lengths) or the value is unnamed.
std::string AttributeValueName(ProtocolId protocol, uint16_t type, uint64_t value);
// "E", "C", "A" joined with '|', plus "0xNN" for unknown bits; "none" for 0.
std::string FlagsName(uint8_t flags);

}  // namespace ikewot::ikev1
