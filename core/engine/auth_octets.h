// The octets an IKEv2 AUTH payload signs (RFC 7296 §2.15):
//
//   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
//   GResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
//   MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
//   MACedIDForR = prf(SK_pr, RestOfRespIDPayload)
//   RestOfXIDPayload = IDType | RESERVED (3 octets) | IdentificationData
//
// RealMessage is the whole first message of that side as sent (IKE header included, without a
// non-ESP marker). NULL authentication (RFC 7619 §2.2) uses the same octets as a shared-key MAC.
#pragma once

#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/prepared.h"

namespace ikewot::engine {

// `id_payload_body` is the ID payload after its generic header: ID Type, 3 reserved octets and
// the identification data. `sk_p` is SK_pi for the initiator's AUTH and SK_pr for the responder's.
// `prepared` (may be null) supplies the PRF's HMAC template.
Result<Bytes> AuthSignedOctets(uint16_t prf_id, ByteView real_first_message, ByteView peer_nonce,
                               ByteView sk_p, ByteView id_payload_body,
                               crypto::PreparedCrypto* prepared = nullptr);

// RFC 7619 §2.1: NULL authentication uses the shared-key syntax of RFC 7296 §2.15 with SK_pi
// (initiator) or SK_pr (responder) as the shared secret:
//   AUTH = prf(prf(SK_px, "Key Pad for IKEv2"), <SignedOctets>)
Result<Bytes> NullAuthData(uint16_t prf_id, ByteView sk_p, ByteView signed_octets,
                           crypto::PreparedCrypto* prepared = nullptr);

}  // namespace ikewot::engine
