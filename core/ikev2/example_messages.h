// Representative IKEv2 messages built in code with fixed contents, shared by the unit tests, the
// codec benchmark and the fuzz seed corpus. They are shaped like real traffic (strongSwan-like
// proposal lists, NAT detection, fragmentation and signature-hash notifies) but carry patterned
// bytes where a real peer would put keys, nonces and ciphertext.
#pragma once

#include <vector>

#include "core/ikev2/message.h"

namespace ikewot::ikev2 {

// IKE_SA_INIT request: SA with two proposals (AES-GCM-16/PRF-SHA256/X25519+ECP-256 and
// AES-CBC-256/HMAC-SHA256-128/PRF-SHA256/MODP-2048), KE (X25519), Ni, NAT_DETECTION_SOURCE_IP,
// NAT_DETECTION_DESTINATION_IP, IKEV2_FRAGMENTATION_SUPPORTED, SIGNATURE_HASH_ALGORITHMS, V.
Message ExampleIkeSaInitRequest();
// IKE_SA_INIT response choosing proposal 1: SA, KE, Nr, NAT-D x2, fragmentation, CERTREQ.
Message ExampleIkeSaInitResponse();
// The plaintext payloads of an IKE_AUTH request: IDi, CERT, CERTREQ, AUTH (RFC 7427 digital
// signature), N(INITIAL_CONTACT), SA (ESP), TSi, TSr, CP(CFG_REQUEST).
std::vector<Payload> ExampleIkeAuthInnerPayloads();
// IKE_AUTH request whose single SK payload holds `ciphertext_size` opaque octets, first inner
// payload IDi.
Message ExampleIkeAuthRequest(size_t ciphertext_size = 1200);
// One fragment (RFC 7383) of an IKE_AUTH request.
Message ExampleIkeAuthFragment(uint16_t number, uint16_t total, size_t ciphertext_size = 500);

// Patterned octets: value i is (seed + 7 * i) mod 256.
Bytes PatternBytes(size_t size, uint8_t seed);

}  // namespace ikewot::ikev2
