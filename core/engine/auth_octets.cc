#include "core/engine/auth_octets.h"

#include "core/crypto/prf.h"

namespace ikewot::engine {

Result<Bytes> AuthSignedOctets(uint16_t prf_id, ByteView real_first_message, ByteView peer_nonce,
                               ByteView sk_p, ByteView id_payload_body,
                               crypto::PreparedCrypto* prepared) {
  Result<Bytes> maced_id = crypto::Prf(prf_id, sk_p, id_payload_body, prepared);
  if (!maced_id.ok()) return maced_id.error();
  return Concat({real_first_message, peer_nonce, *maced_id});
}

Result<Bytes> NullAuthData(uint16_t prf_id, ByteView sk_p, ByteView signed_octets,
                           crypto::PreparedCrypto* prepared) {
  Result<Bytes> pad_key = crypto::Prf(prf_id, sk_p, AsBytes("Key Pad for IKEv2"), prepared);
  if (!pad_key.ok()) return pad_key.error();
  return crypto::Prf(prf_id, *pad_key, signed_octets, prepared);
}

}  // namespace ikewot::engine
