// IKEv2 protocol numbers (IANA "Internet Key Exchange Version 2 (IKEv2) Parameters", RFC 7296 and
// the extensions named beside each value) and their names.
//
// The enums have fixed underlying types, so a field typed with one of them can hold any value
// that arrives on the wire, known or not. Every *Name() function returns the registry name for a
// known value and "UNKNOWN(n)" otherwise; the returned view points to constant storage.
#pragma once

#include <cstdint>
#include <string_view>

namespace ikewot::ikev2 {

// RFC 7296 §3.2 and §3.1 "Next Payload". 1..32 were IKEv1's numbers and are reserved here.
enum class PayloadType : uint8_t {
  kNoNextPayload = 0,
  kSecurityAssociation = 33,  // SA
  kKeyExchange = 34,          // KE
  kIdInitiator = 35,          // IDi
  kIdResponder = 36,          // IDr
  kCertificate = 37,          // CERT
  kCertificateRequest = 38,   // CERTREQ
  kAuthentication = 39,       // AUTH
  kNonce = 40,                // Ni, Nr
  kNotify = 41,               // N
  kDelete = 42,               // D
  kVendorId = 43,             // V
  kTsInitiator = 44,          // TSi
  kTsResponder = 45,          // TSr
  kEncrypted = 46,            // SK
  kConfiguration = 47,        // CP
  kEap = 48,                  // EAP
  kGspm = 49,                 // RFC 6467 Generic Secure Password Method
  kGroupId = 50,              // IDg, RFC 9838 (G-IKEv2)
  kGroupSa = 51,              // GSA, RFC 9838
  kKeyDownload = 52,          // KD, RFC 9838
  kEncryptedFragment = 53,    // SKF, RFC 7383
  kPuzzleSolution = 54,       // PS, RFC 8019
};
inline constexpr uint8_t kLastIkev1PayloadNumber = 32;

// RFC 7296 §3.1 "Exchange Type".
enum class ExchangeType : uint8_t {
  kIkeSaInit = 34,
  kIkeAuth = 35,
  kCreateChildSa = 36,
  kInformational = 37,
  kIkeSessionResume = 38,  // RFC 5723
  kGsaAuth = 39,           // RFC 9838
  kGsaRegistration = 40,
  kGsaRekey = 41,
  kGsaInbandRekey = 42,
  kIkeIntermediate = 43,  // RFC 9242
  kIkeFollowupKe = 44,    // RFC 9370
};

// RFC 7296 §3.3.1 "Protocol ID" (also used by Notify and Delete).
enum class ProtocolId : uint8_t {
  kNone = 0,
  kIke = 1,
  kAh = 2,
  kEsp = 3,
  kFcEspHeader = 4,         // RFC 4595
  kFcCtAuthentication = 5,  // RFC 4595
};

// RFC 7296 §3.3.2 "Transform Type"; 6..12 from RFC 9370.
enum class TransformType : uint8_t {
  kEncryption = 1,  // ENCR
  kPrf = 2,
  kIntegrity = 3,        // INTEG
  kKeyExchange = 4,      // D-H, renamed "Key Exchange Method" by RFC 9370
  kSequenceNumbers = 5,  // ESN
  kAdditionalKe1 = 6,
  kAdditionalKe2 = 7,
  kAdditionalKe3 = 8,
  kAdditionalKe4 = 9,
  kAdditionalKe5 = 10,
  kAdditionalKe6 = 11,
  kAdditionalKe7 = 12,
  kKeyWrap = 13,              // KWA, RFC 9838
  kGroupControllerAuth = 14,  // GCAUTH, RFC 9838
};

// Transform Type 1 IDs (RFC 7296 §3.3.2, RFC 4106, RFC 5282, RFC 7634, ...).
enum class EncrId : uint16_t {
  kDesIv64 = 1,
  kDes = 2,
  k3Des = 3,
  kRc5 = 4,
  kIdea = 5,
  kCast = 6,
  kBlowfish = 7,
  k3Idea = 8,
  kDesIv32 = 9,
  kNull = 11,
  kAesCbc = 12,
  kAesCtr = 13,
  kAesCcm8 = 14,
  kAesCcm12 = 15,
  kAesCcm16 = 16,
  kAesGcm8 = 18,
  kAesGcm12 = 19,
  kAesGcm16 = 20,
  kNullAuthAesGmac = 21,
  kCamelliaCbc = 23,
  kCamelliaCtr = 24,
  kCamelliaCcm8 = 25,
  kCamelliaCcm12 = 26,
  kCamelliaCcm16 = 27,
  kChaCha20Poly1305 = 28,
  kAesCcm8Iiv = 29,
  kAesGcm16Iiv = 30,
  kChaCha20Poly1305Iiv = 31,
};

// Transform Type 2 IDs.
enum class PrfId : uint16_t {
  kHmacMd5 = 1,
  kHmacSha1 = 2,
  kHmacTiger = 3,
  kAes128Xcbc = 4,
  kHmacSha2_256 = 5,
  kHmacSha2_384 = 6,
  kHmacSha2_512 = 7,
  kAes128Cmac = 8,
  kHmacStreebog512 = 9,
};

// Transform Type 3 IDs.
enum class IntegId : uint16_t {
  kNone = 0,
  kHmacMd5_96 = 1,
  kHmacSha1_96 = 2,
  kDesMac = 3,
  kKpdkMd5 = 4,
  kAesXcbc96 = 5,
  kHmacMd5_128 = 6,
  kHmacSha1_160 = 7,
  kAesCmac96 = 8,
  kAes128Gmac = 9,
  kAes192Gmac = 10,
  kAes256Gmac = 11,
  kHmacSha2_256_128 = 12,
  kHmacSha2_384_192 = 13,
  kHmacSha2_512_256 = 14,
};

// Transform Type 4 IDs: Diffie-Hellman groups / key exchange methods.
enum class DhGroup : uint16_t {
  kNone = 0,
  kModp768 = 1,
  kModp1024 = 2,
  kModp1536 = 5,
  kModp2048 = 14,
  kModp3072 = 15,
  kModp4096 = 16,
  kModp6144 = 17,
  kModp8192 = 18,
  kEcp256 = 19,
  kEcp384 = 20,
  kEcp521 = 21,
  kModp1024s160 = 22,
  kModp2048s224 = 23,
  kModp2048s256 = 24,
  kEcp192 = 25,
  kEcp224 = 26,
  kBrainpoolP224 = 27,
  kBrainpoolP256 = 28,
  kBrainpoolP384 = 29,
  kBrainpoolP512 = 30,
  kCurve25519 = 31,
  kCurve448 = 32,
  kGost3410_2012_256 = 33,
  kGost3410_2012_512 = 34,
  kMlKem512 = 35,
  kMlKem768 = 36,
  kMlKem1024 = 37,
};
// RFC 7296 §3.3.2: 1024-65535 are reserved for private use.
inline constexpr uint16_t kFirstPrivateDhGroup = 1024;

// Transform Type 5 IDs.
enum class EsnId : uint16_t {
  kNoEsn = 0,
  kEsn = 1,
};

// RFC 7296 §3.3.5 "Attribute Type".
enum class TransformAttributeType : uint16_t {
  kKeyLength = 14,
};

// RFC 7296 §3.5 "ID Type"; ID_NULL from RFC 7619.
enum class IdType : uint8_t {
  kIpv4Addr = 1,
  kFqdn = 2,
  kRfc822Addr = 3,
  kIpv6Addr = 5,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
  kFcName = 12,  // RFC 4595
  kNull = 13,    // RFC 7619
};

// RFC 7296 §3.6 "Cert Encoding"; 14 from RFC 4806, 15 from RFC 7670.
enum class CertEncoding : uint8_t {
  kPkcs7WrappedX509 = 1,
  kPgp = 2,
  kDnsSignedKey = 3,
  kX509Signature = 4,
  kKerberosToken = 6,
  kCrl = 7,
  kArl = 8,
  kSpki = 9,
  kX509Attribute = 10,
  kRawRsaKey = 11,
  kHashUrlX509Cert = 12,
  kHashUrlX509Bundle = 13,
  kOcspContent = 14,
  kRawPublicKey = 15,
};

// RFC 7296 §3.8 "Auth Method"; 9-11 RFC 4754, 12 RFC 6467, 13 RFC 7619, 14 RFC 7427.
enum class AuthMethod : uint8_t {
  kRsaSignature = 1,
  kSharedKeyMic = 2,
  kDssSignature = 3,
  kEcdsaSha256P256 = 9,
  kEcdsaSha384P384 = 10,
  kEcdsaSha512P521 = 11,
  kGenericSecurePassword = 12,
  kNull = 13,
  kDigitalSignature = 14,
};

// RFC 7296 §3.10.1 "Notify Message Type". Errors are below 16384, status types from 16384 on.
enum class NotifyType : uint16_t {
  // Error types.
  kUnsupportedCriticalPayload = 1,
  kInvalidIkeSpi = 4,
  kInvalidMajorVersion = 5,
  kInvalidSyntax = 7,
  kInvalidMessageId = 9,
  kInvalidSpi = 11,
  kNoProposalChosen = 14,
  kInvalidKePayload = 17,
  kAuthenticationFailed = 24,
  kSinglePairRequired = 34,
  kNoAdditionalSas = 35,
  kInternalAddressFailure = 36,
  kFailedCpRequired = 37,
  kTsUnacceptable = 38,
  kInvalidSelectors = 39,
  kUnacceptableAddresses = 40,  // RFC 4555
  kUnexpectedNatDetected = 41,  // RFC 4555
  kUseAssignedHoa = 42,         // RFC 5026
  kTemporaryFailure = 43,
  kChildSaNotFound = 44,
  kInvalidGroupId = 45,       // RFC 9838
  kAuthorizationFailed = 46,  // RFC 9838
  kStateNotFound = 47,        // RFC 8019
  kTsMaxQueue = 48,           // RFC 9611
  // Status types.
  kInitialContact = 16384,
  kSetWindowSize = 16385,
  kAdditionalTsPossible = 16386,
  kIpcompSupported = 16387,
  kNatDetectionSourceIp = 16388,
  kNatDetectionDestinationIp = 16389,
  kCookie = 16390,
  kUseTransportMode = 16391,
  kHttpCertLookupSupported = 16392,
  kRekeySa = 16393,
  kEspTfcPaddingNotSupported = 16394,
  kNonFirstFragmentsAlso = 16395,
  kMobikeSupported = 16396,  // RFC 4555
  kAdditionalIp4Address = 16397,
  kAdditionalIp6Address = 16398,
  kNoAdditionalAddresses = 16399,
  kUpdateSaAddresses = 16400,
  kCookie2 = 16401,
  kNoNatsAllowed = 16402,
  kAuthLifetime = 16403,           // RFC 4478
  kMultipleAuthSupported = 16404,  // RFC 4739
  kAnotherAuthFollows = 16405,
  kRedirectSupported = 16406,  // RFC 5685
  kRedirect = 16407,
  kRedirectedFrom = 16408,
  kTicketLtOpaque = 16409,  // RFC 5723
  kTicketRequest = 16410,
  kTicketAck = 16411,
  kTicketNack = 16412,
  kTicketOpaque = 16413,
  kLinkId = 16414,                       // RFC 5739
  kUseWespMode = 16415,                  // RFC 5840
  kRohcSupported = 16416,                // RFC 5857
  kEapOnlyAuthentication = 16417,        // RFC 5998
  kChildlessIkev2Supported = 16418,      // RFC 6023
  kQuickCrashDetection = 16419,          // RFC 6290
  kIkev2MessageIdSyncSupported = 16420,  // RFC 6311
  kIpsecReplayCounterSyncSupported = 16421,
  kIkev2MessageIdSync = 16422,
  kIpsecReplayCounterSync = 16423,
  kSecurePasswordMethods = 16424,  // RFC 6467
  kPskPersist = 16425,             // RFC 6631
  kPskConfirm = 16426,
  kErxSupported = 16427,  // RFC 6867
  kIfomCapability = 16428,
  kSenderRequestId = 16429,
  kIkev2FragmentationSupported = 16430,  // RFC 7383
  kSignatureHashAlgorithms = 16431,      // RFC 7427
  kCloneIkeSaSupported = 16432,          // RFC 7791
  kCloneIkeSa = 16433,
  kPuzzle = 16434,  // RFC 8019
  kUsePpk = 16435,  // RFC 8784
  kPpkIdentity = 16436,
  kNoPpkAuth = 16437,
  kIntermediateExchangeSupported = 16438,  // RFC 9242
  kIp4Allowed = 16439,                     // RFC 8983
  kIp6Allowed = 16440,
  kAdditionalKeyExchange = 16441,  // RFC 9370
  kUseAggfrag = 16442,             // RFC 9347
  kSupportedAuthMethods = 16443,   // RFC 9593
  kSaResourceInfo = 16444,         // RFC 9611
};
inline constexpr uint16_t kFirstNotifyStatusType = 16384;

// RFC 7296 §3.13.1 "TS Type"; 9 from RFC 4595, 10 from RFC 9478.
enum class TsType : uint8_t {
  kIpv4AddrRange = 7,
  kIpv6AddrRange = 8,
  kFcAddrRange = 9,
  kSecLabel = 10,
};

// RFC 7296 §3.15 "CFG Type".
enum class CfgType : uint8_t {
  kRequest = 1,
  kReply = 2,
  kSet = 3,
  kAck = 4,
};

// RFC 7296 §3.15.1 "Configuration Attributes" (and later registrations).
enum class CfgAttributeType : uint16_t {
  kInternalIp4Address = 1,
  kInternalIp4Netmask = 2,
  kInternalIp4Dns = 3,
  kInternalIp4Nbns = 4,
  kInternalIp4Dhcp = 6,
  kApplicationVersion = 7,
  kInternalIp6Address = 8,
  kInternalIp6Dns = 10,
  kInternalIp6Dhcp = 12,
  kInternalIp4Subnet = 13,
  kSupportedAttributes = 14,
  kInternalIp6Subnet = 15,
  kMip6HomePrefix = 16,   // RFC 5026
  kInternalIp6Link = 17,  // RFC 5739
  kInternalIp6Prefix = 18,
  kHomeAgentAddress = 19,  // RFC 5213
  kPCscfIp4Address = 20,   // RFC 7651
  kPCscfIp6Address = 21,
  kFttKat = 22,                // RFC 7652
  kExternalSourceIp4Nat = 23,  // RFC 8598 (3GPP)
  kTimeoutPeriodForLiveness = 24,
  kInternalDnsDomain = 25,  // RFC 8598
  kInternalDnssecTa = 26,
};

// RFC 3748 §4 EAP "Code", carried in the EAP payload (RFC 7296 §3.16).
enum class EapCode : uint8_t {
  kRequest = 1,
  kResponse = 2,
  kSuccess = 3,
  kFailure = 4,
};

// RFC 7427 §7: hash algorithms in SIGNATURE_HASH_ALGORITHMS.
enum class HashAlgorithm : uint16_t {
  kSha1 = 1,
  kSha2_256 = 2,
  kSha2_384 = 3,
  kSha2_512 = 4,
  kIdentity = 5,  // RFC 8420
  kStreebog256 = 6,
  kStreebog512 = 7,
};

// Name lookups. Unknown values give "UNKNOWN(n)".
std::string_view PayloadTypeName(uint8_t type);      // "SA", "KE", "IDi", ..., "SKF"
std::string_view PayloadTypeLongName(uint8_t type);  // "Security Association", ...
std::string_view ExchangeTypeName(uint8_t type);     // "IKE_SA_INIT", ...
std::string_view ProtocolIdName(uint8_t protocol);   // "IKE", "AH", "ESP", ...
std::string_view TransformTypeName(uint8_t type);    // "ENCR", "PRF", "INTEG", "KE", "ESN", ...
// The transform ID's name within its type's registry ("AES_GCM_16", "ECP_256", ...).
std::string_view TransformIdName(uint8_t transform_type, uint16_t id);
std::string_view EncrIdName(uint16_t id);
std::string_view PrfIdName(uint16_t id);
std::string_view IntegIdName(uint16_t id);
std::string_view DhGroupName(uint16_t id);
std::string_view EsnIdName(uint16_t id);
std::string_view TransformAttributeTypeName(uint16_t type);
std::string_view IdTypeName(uint8_t type);
std::string_view CertEncodingName(uint8_t encoding);
std::string_view AuthMethodName(uint8_t method);
std::string_view NotifyTypeName(uint16_t type);
std::string_view TsTypeName(uint8_t type);
std::string_view CfgTypeName(uint8_t type);
std::string_view CfgAttributeTypeName(uint16_t type);
std::string_view EapCodeName(uint8_t code);
std::string_view HashAlgorithmName(uint16_t algorithm);

// The same lookups for values already typed.
inline std::string_view Name(PayloadType v) { return PayloadTypeName(static_cast<uint8_t>(v)); }
inline std::string_view Name(ExchangeType v) { return ExchangeTypeName(static_cast<uint8_t>(v)); }
inline std::string_view Name(ProtocolId v) { return ProtocolIdName(static_cast<uint8_t>(v)); }
inline std::string_view Name(TransformType v) { return TransformTypeName(static_cast<uint8_t>(v)); }
inline std::string_view Name(IdType v) { return IdTypeName(static_cast<uint8_t>(v)); }
inline std::string_view Name(CertEncoding v) { return CertEncodingName(static_cast<uint8_t>(v)); }
inline std::string_view Name(AuthMethod v) { return AuthMethodName(static_cast<uint8_t>(v)); }
inline std::string_view Name(NotifyType v) { return NotifyTypeName(static_cast<uint16_t>(v)); }
inline std::string_view Name(TsType v) { return TsTypeName(static_cast<uint8_t>(v)); }
inline std::string_view Name(CfgType v) { return CfgTypeName(static_cast<uint8_t>(v)); }

// True for the payload types this codec decodes into a typed body.
bool IsKnownPayloadType(uint8_t type);
// True for AEAD encryption transforms (no separate INTEG transform is negotiated with them).
bool IsAeadEncrId(uint16_t id);
// True for the transform types that carry a key exchange method (4 and 6..12).
bool IsKeyExchangeTransformType(uint8_t type);

}  // namespace ikewot::ikev2
