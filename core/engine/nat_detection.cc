#include "core/engine/nat_detection.h"

#include <openssl/evp.h>

#include "core/base/writer.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::engine {

Result<Bytes> NatDetectionHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& endpoint,
                               crypto::PreparedCrypto* prepared) {
  if (!endpoint.valid()) {
    return MakeError(ErrorCode::kInvalidArgument, "NAT detection needs an IPv4 or IPv6 address");
  }
  Bytes input;
  Writer writer(&input);
  writer.U64(spi_i);
  writer.U64(spi_r);
  writer.Append(endpoint.address);
  writer.U16(endpoint.port);
  const EVP_MD* sha1 = prepared != nullptr ? prepared->Digest("SHA1") : EVP_sha1();
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (sha1 == nullptr ||
      EVP_Digest(input.data(), input.size(), digest.data(), &len, sha1, nullptr) != 1 ||
      len != kNatDetectionHashSize) {
    return ossl::CryptoError("SHA-1 for NAT detection");
  }
  digest.resize(len);
  return digest;
}

Result<NatDetectionResult> EvaluateNatDetection(uint64_t spi_i, uint64_t spi_r,
                                                const Datagram& received,
                                                const std::vector<Bytes>& source_hashes,
                                                const Bytes& destination_hash,
                                                crypto::PreparedCrypto* prepared) {
  Result<Bytes> peer_hash = NatDetectionHash(spi_i, spi_r, received.remote, prepared);
  if (!peer_hash.ok()) return peer_hash.error();
  Result<Bytes> own_hash = NatDetectionHash(spi_i, spi_r, received.local, prepared);
  if (!own_hash.ok()) return own_hash.error();
  NatDetectionResult result;
  result.peer_behind_nat = true;
  for (const Bytes& h : source_hashes) {
    if (ConstantTimeEqual(h, *peer_hash)) result.peer_behind_nat = false;
  }
  result.local_behind_nat = !ConstantTimeEqual(destination_hash, *own_hash);
  return result;
}

}  // namespace ikewot::engine
