// NAT discovery in IKEv1 (RFC 3947 §3): both sides send NAT-D payloads holding
//   HASH = hash(CKY-I | CKY-R | IP | Port)
// with the negotiated phase-1 hash -- the first for the address the message is sent TO, the
// others for the sender's own addresses. A receiver that cannot reproduce the first from its
// own address is behind a NAT; one that finds none of the others matching the sender's address
// as received talks to a peer behind a NAT. Then the initiator floats to port 4500 (§4) for the
// message that carries its identity (MM5; aggressive mode's AM3).
#pragma once

#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/datagram.h"
#include "core/engine/nat_detection.h"
#include "core/ikev1/constants.h"
#include "core/ikev1/payloads.h"

namespace ikewot::ikev1 {

Result<Bytes> ComputeNatDiscoveryHash(HashAlgorithm hash, ByteView cky_i, ByteView cky_r,
                                      const engine::Endpoint& endpoint);

// Our NAT-D pair for a message from `local` to `remote`: destination first, then source.
// `type` is kNatDiscovery (RFC 3947) or kNatDiscoveryDraft (130) as the peer's VID asked.
Result<std::vector<Payload>> MakeNatDiscoveryPayloads(HashAlgorithm hash, ByteView cky_i,
                                                      ByteView cky_r, const engine::Endpoint& local,
                                                      const engine::Endpoint& remote,
                                                      PayloadType type);

// Judges the peer's NAT-D payloads (in order) against the datagram they arrived in. Fewer than
// two is kBadValue (RFC 3947 requires at least the pair).
Result<engine::NatDetectionResult> EvaluateNatDiscovery(HashAlgorithm hash, ByteView cky_i,
                                                        ByteView cky_r,
                                                        const engine::Datagram& received,
                                                        const std::vector<Bytes>& hashes);

}  // namespace ikewot::ikev1
