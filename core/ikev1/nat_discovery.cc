#include "core/ikev1/nat_discovery.h"

#include "core/ikev1/phase1_keys.h"

namespace ikewot::ikev1 {

Result<Bytes> ComputeNatDiscoveryHash(HashAlgorithm hash, ByteView cky_i, ByteView cky_r,
                                      const engine::Endpoint& endpoint) {
  if (!endpoint.valid() || cky_i.size() != kCookieSize || cky_r.size() != kCookieSize) {
    return MakeError(ErrorCode::kInvalidArgument, "NAT-D needs both cookies and an IP address");
  }
  const uint8_t port[2] = {static_cast<uint8_t>(endpoint.port >> 8),
                           static_cast<uint8_t>(endpoint.port)};
  return Phase1Hash(hash, {cky_i, cky_r, endpoint.address, ByteView(port, 2)});
}

Result<std::vector<Payload>> MakeNatDiscoveryPayloads(HashAlgorithm hash, ByteView cky_i,
                                                      ByteView cky_r, const engine::Endpoint& local,
                                                      const engine::Endpoint& remote,
                                                      PayloadType type) {
  std::vector<Payload> out;
  for (const engine::Endpoint* e : {&remote, &local}) {
    auto h = ComputeNatDiscoveryHash(hash, cky_i, cky_r, *e);
    if (!h.ok()) return h.error();
    out.push_back(Payload{type, NatDiscoveryPayload{std::move(*h)}});
  }
  return out;
}

Result<engine::NatDetectionResult> EvaluateNatDiscovery(HashAlgorithm hash, ByteView cky_i,
                                                        ByteView cky_r,
                                                        const engine::Datagram& received,
                                                        const std::vector<Bytes>& hashes) {
  if (hashes.size() < 2) {
    return MakeError(ErrorCode::kBadValue,
                     "NAT-D needs at least two payloads, got " + std::to_string(hashes.size()));
  }
  auto ours = ComputeNatDiscoveryHash(hash, cky_i, cky_r, received.local);
  if (!ours.ok()) return ours.error();
  auto theirs = ComputeNatDiscoveryHash(hash, cky_i, cky_r, received.remote);
  if (!theirs.ok()) return theirs.error();
  engine::NatDetectionResult result;
  result.local_behind_nat = !ConstantTimeEqual(hashes[0], *ours);
  result.peer_behind_nat = true;
  for (size_t i = 1; i < hashes.size(); ++i) {
    if (ConstantTimeEqual(hashes[i], *theirs)) result.peer_behind_nat = false;
  }
  return result;
}

}  // namespace ikewot::ikev1
