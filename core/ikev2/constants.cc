#include "core/ikev2/constants.h"

#include "core/ikev2/internal/unknown_name.h"

namespace ikewot::ikev2 {

using internal::UnknownName;

std::string_view PayloadTypeName(uint8_t type) {
  switch (type) {
    case 0:
      return "NONE";
    case 33:
      return "SA";
    case 34:
      return "KE";
    case 35:
      return "IDi";
    case 36:
      return "IDr";
    case 37:
      return "CERT";
    case 38:
      return "CERTREQ";
    case 39:
      return "AUTH";
    case 40:
      return "Nonce";
    case 41:
      return "N";
    case 42:
      return "D";
    case 43:
      return "V";
    case 44:
      return "TSi";
    case 45:
      return "TSr";
    case 46:
      return "SK";
    case 47:
      return "CP";
    case 48:
      return "EAP";
    case 49:
      return "GSPM";
    case 50:
      return "IDg";
    case 51:
      return "GSA";
    case 52:
      return "KD";
    case 53:
      return "SKF";
    case 54:
      return "PS";
    default:
      return UnknownName(type);
  }
}

std::string_view PayloadTypeLongName(uint8_t type) {
  switch (type) {
    case 0:
      return "No Next Payload";
    case 33:
      return "Security Association";
    case 34:
      return "Key Exchange";
    case 35:
      return "Identification - Initiator";
    case 36:
      return "Identification - Responder";
    case 37:
      return "Certificate";
    case 38:
      return "Certificate Request";
    case 39:
      return "Authentication";
    case 40:
      return "Nonce";
    case 41:
      return "Notify";
    case 42:
      return "Delete";
    case 43:
      return "Vendor ID";
    case 44:
      return "Traffic Selector - Initiator";
    case 45:
      return "Traffic Selector - Responder";
    case 46:
      return "Encrypted and Authenticated";
    case 47:
      return "Configuration";
    case 48:
      return "Extensible Authentication";
    case 49:
      return "Generic Secure Password Method";
    case 50:
      return "Group Identification";
    case 51:
      return "Group Security Association";
    case 52:
      return "Key Download";
    case 53:
      return "Encrypted and Authenticated Fragment";
    case 54:
      return "Puzzle Solution";
    default:
      return UnknownName(type);
  }
}

std::string_view ExchangeTypeName(uint8_t type) {
  switch (type) {
    case 34:
      return "IKE_SA_INIT";
    case 35:
      return "IKE_AUTH";
    case 36:
      return "CREATE_CHILD_SA";
    case 37:
      return "INFORMATIONAL";
    case 38:
      return "IKE_SESSION_RESUME";
    case 39:
      return "GSA_AUTH";
    case 40:
      return "GSA_REGISTRATION";
    case 41:
      return "GSA_REKEY";
    case 42:
      return "GSA_INBAND_REKEY";
    case 43:
      return "IKE_INTERMEDIATE";
    case 44:
      return "IKE_FOLLOWUP_KE";
    default:
      return UnknownName(type);
  }
}

std::string_view ProtocolIdName(uint8_t protocol) {
  switch (protocol) {
    case 0:
      return "NONE";
    case 1:
      return "IKE";
    case 2:
      return "AH";
    case 3:
      return "ESP";
    case 4:
      return "FC_ESP_HEADER";
    case 5:
      return "FC_CT_AUTHENTICATION";
    default:
      return UnknownName(protocol);
  }
}

std::string_view TransformTypeName(uint8_t type) {
  switch (type) {
    case 1:
      return "ENCR";
    case 2:
      return "PRF";
    case 3:
      return "INTEG";
    case 4:
      return "KE";
    case 5:
      return "ESN";
    case 6:
      return "ADDKE1";
    case 7:
      return "ADDKE2";
    case 8:
      return "ADDKE3";
    case 9:
      return "ADDKE4";
    case 10:
      return "ADDKE5";
    case 11:
      return "ADDKE6";
    case 12:
      return "ADDKE7";
    case 13:
      return "KWA";
    case 14:
      return "GCAUTH";
    default:
      return UnknownName(type);
  }
}

std::string_view IdTypeName(uint8_t type) {
  switch (type) {
    case 1:
      return "ID_IPV4_ADDR";
    case 2:
      return "ID_FQDN";
    case 3:
      return "ID_RFC822_ADDR";
    case 5:
      return "ID_IPV6_ADDR";
    case 9:
      return "ID_DER_ASN1_DN";
    case 10:
      return "ID_DER_ASN1_GN";
    case 11:
      return "ID_KEY_ID";
    case 12:
      return "ID_FC_NAME";
    case 13:
      return "ID_NULL";
    default:
      return UnknownName(type);
  }
}

std::string_view CertEncodingName(uint8_t encoding) {
  switch (encoding) {
    case 1:
      return "PKCS #7 wrapped X.509 certificate";
    case 2:
      return "PGP Certificate";
    case 3:
      return "DNS Signed Key";
    case 4:
      return "X.509 Certificate - Signature";
    case 6:
      return "Kerberos Token";
    case 7:
      return "Certificate Revocation List (CRL)";
    case 8:
      return "Authority Revocation List (ARL)";
    case 9:
      return "SPKI Certificate";
    case 10:
      return "X.509 Certificate - Attribute";
    case 11:
      return "Raw RSA Key";
    case 12:
      return "Hash and URL of X.509 certificate";
    case 13:
      return "Hash and URL of X.509 bundle";
    case 14:
      return "OCSP Content";
    case 15:
      return "Raw Public Key";
    default:
      return UnknownName(encoding);
  }
}

std::string_view AuthMethodName(uint8_t method) {
  switch (method) {
    case 1:
      return "RSA Digital Signature";
    case 2:
      return "Shared Key Message Integrity Code";
    case 3:
      return "DSS Digital Signature";
    case 9:
      return "ECDSA with SHA-256 on the P-256 curve";
    case 10:
      return "ECDSA with SHA-384 on the P-384 curve";
    case 11:
      return "ECDSA with SHA-512 on the P-521 curve";
    case 12:
      return "Generic Secure Password Authentication Method";
    case 13:
      return "NULL Authentication";
    case 14:
      return "Digital Signature";
    default:
      return UnknownName(method);
  }
}

std::string_view NotifyTypeName(uint16_t type) {
  switch (type) {
    case 1:
      return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case 4:
      return "INVALID_IKE_SPI";
    case 5:
      return "INVALID_MAJOR_VERSION";
    case 7:
      return "INVALID_SYNTAX";
    case 9:
      return "INVALID_MESSAGE_ID";
    case 11:
      return "INVALID_SPI";
    case 14:
      return "NO_PROPOSAL_CHOSEN";
    case 17:
      return "INVALID_KE_PAYLOAD";
    case 24:
      return "AUTHENTICATION_FAILED";
    case 34:
      return "SINGLE_PAIR_REQUIRED";
    case 35:
      return "NO_ADDITIONAL_SAS";
    case 36:
      return "INTERNAL_ADDRESS_FAILURE";
    case 37:
      return "FAILED_CP_REQUIRED";
    case 38:
      return "TS_UNACCEPTABLE";
    case 39:
      return "INVALID_SELECTORS";
    case 40:
      return "UNACCEPTABLE_ADDRESSES";
    case 41:
      return "UNEXPECTED_NAT_DETECTED";
    case 42:
      return "USE_ASSIGNED_HoA";
    case 43:
      return "TEMPORARY_FAILURE";
    case 44:
      return "CHILD_SA_NOT_FOUND";
    case 45:
      return "INVALID_GROUP_ID";
    case 46:
      return "AUTHORIZATION_FAILED";
    case 47:
      return "STATE_NOT_FOUND";
    case 48:
      return "TS_MAX_QUEUE";
    case 16384:
      return "INITIAL_CONTACT";
    case 16385:
      return "SET_WINDOW_SIZE";
    case 16386:
      return "ADDITIONAL_TS_POSSIBLE";
    case 16387:
      return "IPCOMP_SUPPORTED";
    case 16388:
      return "NAT_DETECTION_SOURCE_IP";
    case 16389:
      return "NAT_DETECTION_DESTINATION_IP";
    case 16390:
      return "COOKIE";
    case 16391:
      return "USE_TRANSPORT_MODE";
    case 16392:
      return "HTTP_CERT_LOOKUP_SUPPORTED";
    case 16393:
      return "REKEY_SA";
    case 16394:
      return "ESP_TFC_PADDING_NOT_SUPPORTED";
    case 16395:
      return "NON_FIRST_FRAGMENTS_ALSO";
    case 16396:
      return "MOBIKE_SUPPORTED";
    case 16397:
      return "ADDITIONAL_IP4_ADDRESS";
    case 16398:
      return "ADDITIONAL_IP6_ADDRESS";
    case 16399:
      return "NO_ADDITIONAL_ADDRESSES";
    case 16400:
      return "UPDATE_SA_ADDRESSES";
    case 16401:
      return "COOKIE2";
    case 16402:
      return "NO_NATS_ALLOWED";
    case 16403:
      return "AUTH_LIFETIME";
    case 16404:
      return "MULTIPLE_AUTH_SUPPORTED";
    case 16405:
      return "ANOTHER_AUTH_FOLLOWS";
    case 16406:
      return "REDIRECT_SUPPORTED";
    case 16407:
      return "REDIRECT";
    case 16408:
      return "REDIRECTED_FROM";
    case 16409:
      return "TICKET_LT_OPAQUE";
    case 16410:
      return "TICKET_REQUEST";
    case 16411:
      return "TICKET_ACK";
    case 16412:
      return "TICKET_NACK";
    case 16413:
      return "TICKET_OPAQUE";
    case 16414:
      return "LINK_ID";
    case 16415:
      return "USE_WESP_MODE";
    case 16416:
      return "ROHC_SUPPORTED";
    case 16417:
      return "EAP_ONLY_AUTHENTICATION";
    case 16418:
      return "CHILDLESS_IKEV2_SUPPORTED";
    case 16419:
      return "QUICK_CRASH_DETECTION";
    case 16420:
      return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
    case 16421:
      return "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED";
    case 16422:
      return "IKEV2_MESSAGE_ID_SYNC";
    case 16423:
      return "IPSEC_REPLAY_COUNTER_SYNC";
    case 16424:
      return "SECURE_PASSWORD_METHODS";
    case 16425:
      return "PSK_PERSIST";
    case 16426:
      return "PSK_CONFIRM";
    case 16427:
      return "ERX_SUPPORTED";
    case 16428:
      return "IFOM_CAPABILITY";
    case 16429:
      return "SENDER_REQUEST_ID";
    case 16430:
      return "IKEV2_FRAGMENTATION_SUPPORTED";
    case 16431:
      return "SIGNATURE_HASH_ALGORITHMS";
    case 16432:
      return "CLONE_IKE_SA_SUPPORTED";
    case 16433:
      return "CLONE_IKE_SA";
    case 16434:
      return "PUZZLE";
    case 16435:
      return "USE_PPK";
    case 16436:
      return "PPK_IDENTITY";
    case 16437:
      return "NO_PPK_AUTH";
    case 16438:
      return "INTERMEDIATE_EXCHANGE_SUPPORTED";
    case 16439:
      return "IP4_ALLOWED";
    case 16440:
      return "IP6_ALLOWED";
    case 16441:
      return "ADDITIONAL_KEY_EXCHANGE";
    case 16442:
      return "USE_AGGFRAG";
    case 16443:
      return "SUPPORTED_AUTH_METHODS";
    case 16444:
      return "SA_RESOURCE_INFO";
    default:
      return UnknownName(type);
  }
}

std::string_view TsTypeName(uint8_t type) {
  switch (type) {
    case 7:
      return "TS_IPV4_ADDR_RANGE";
    case 8:
      return "TS_IPV6_ADDR_RANGE";
    case 9:
      return "TS_FC_ADDR_RANGE";
    case 10:
      return "TS_SECLABEL";
    default:
      return UnknownName(type);
  }
}

std::string_view CfgTypeName(uint8_t type) {
  switch (type) {
    case 1:
      return "CFG_REQUEST";
    case 2:
      return "CFG_REPLY";
    case 3:
      return "CFG_SET";
    case 4:
      return "CFG_ACK";
    default:
      return UnknownName(type);
  }
}

std::string_view CfgAttributeTypeName(uint16_t type) {
  switch (type) {
    case 1:
      return "INTERNAL_IP4_ADDRESS";
    case 2:
      return "INTERNAL_IP4_NETMASK";
    case 3:
      return "INTERNAL_IP4_DNS";
    case 4:
      return "INTERNAL_IP4_NBNS";
    case 6:
      return "INTERNAL_IP4_DHCP";
    case 7:
      return "APPLICATION_VERSION";
    case 8:
      return "INTERNAL_IP6_ADDRESS";
    case 10:
      return "INTERNAL_IP6_DNS";
    case 12:
      return "INTERNAL_IP6_DHCP";
    case 13:
      return "INTERNAL_IP4_SUBNET";
    case 14:
      return "SUPPORTED_ATTRIBUTES";
    case 15:
      return "INTERNAL_IP6_SUBNET";
    case 16:
      return "MIP6_HOME_PREFIX";
    case 17:
      return "INTERNAL_IP6_LINK";
    case 18:
      return "INTERNAL_IP6_PREFIX";
    case 19:
      return "HOME_AGENT_ADDRESS";
    case 20:
      return "P_CSCF_IP4_ADDRESS";
    case 21:
      return "P_CSCF_IP6_ADDRESS";
    case 22:
      return "FTT_KAT";
    case 23:
      return "EXTERNAL_SOURCE_IP4_NAT_INFO";
    case 24:
      return "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK";
    case 25:
      return "INTERNAL_DNS_DOMAIN";
    case 26:
      return "INTERNAL_DNSSEC_TA";
    default:
      return UnknownName(type);
  }
}

std::string_view EapCodeName(uint8_t code) {
  switch (code) {
    case 1:
      return "Request";
    case 2:
      return "Response";
    case 3:
      return "Success";
    case 4:
      return "Failure";
    default:
      return UnknownName(code);
  }
}

std::string_view HashAlgorithmName(uint16_t algorithm) {
  switch (algorithm) {
    case 1:
      return "SHA1";
    case 2:
      return "SHA2_256";
    case 3:
      return "SHA2_384";
    case 4:
      return "SHA2_512";
    case 5:
      return "IDENTITY";
    case 6:
      return "STREEBOG_256";
    case 7:
      return "STREEBOG_512";
    default:
      return UnknownName(algorithm);
  }
}

bool IsKnownPayloadType(uint8_t type) {
  switch (static_cast<PayloadType>(type)) {
    case PayloadType::kSecurityAssociation:
    case PayloadType::kKeyExchange:
    case PayloadType::kIdInitiator:
    case PayloadType::kIdResponder:
    case PayloadType::kCertificate:
    case PayloadType::kCertificateRequest:
    case PayloadType::kAuthentication:
    case PayloadType::kNonce:
    case PayloadType::kNotify:
    case PayloadType::kDelete:
    case PayloadType::kVendorId:
    case PayloadType::kTsInitiator:
    case PayloadType::kTsResponder:
    case PayloadType::kEncrypted:
    case PayloadType::kConfiguration:
    case PayloadType::kEap:
    case PayloadType::kEncryptedFragment:
      return true;
    default:
      return false;
  }
}

}  // namespace ikewot::ikev2
