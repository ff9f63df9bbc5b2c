// ECDSA signatures on the wire in IKE are r || s with each integer left-padded to the curve's
// scalar size (RFC 4754 §7 for IKEv2's classic methods and for IKEv1 methods 9/10/11); OpenSSL
// makes and checks DER ECDSA-Sig-Value. These convert between the two.
#pragma once

#include <cstddef>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::crypto {

// DER ECDSA-Sig-Value (our own signature, from OpenSSL) -> r || s, each scalar_size octets.
Result<Bytes> EcdsaDerToFixed(ByteView der, size_t scalar_size);

// r || s (a peer's signature; the caller has checked the length for its curve) -> DER.
Result<Bytes> EcdsaFixedToDer(ByteView fixed);

}  // namespace ikewot::crypto
