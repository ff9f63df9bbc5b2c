// NAT detection (RFC 7296 §2.23): each side sends SHA-1(SPIi | SPIr | IP | Port) of the source
// and of the destination it used. A receiver that cannot reproduce the hash of its own address
// is behind a NAT; one that cannot reproduce the sender's is talking to a peer behind a NAT.
// In IKE_SA_INIT request SPIr is zero.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/prepared.h"
#include "core/engine/datagram.h"

namespace ikewot::engine {

inline constexpr size_t kNatDetectionHashSize = 20;

// `prepared` (may be null) supplies a fetched SHA-1.
Result<Bytes> NatDetectionHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& endpoint,
                               crypto::PreparedCrypto* prepared = nullptr);

struct NatDetectionResult {
  bool local_behind_nat = false;  // our address is not what the peer saw
  bool peer_behind_nat = false;   // the peer's address is not what it claims
};

// Checks the peer's NAT_DETECTION_SOURCE_IP hashes (any may match: multi-homed peers send one
// per address) and its NAT_DETECTION_DESTINATION_IP against the datagram as received.
Result<NatDetectionResult> EvaluateNatDetection(uint64_t spi_i, uint64_t spi_r,
                                                const Datagram& received,
                                                const std::vector<Bytes>& source_hashes,
                                                const Bytes& destination_hash,
                                                crypto::PreparedCrypto* prepared = nullptr);

}  // namespace ikewot::engine
