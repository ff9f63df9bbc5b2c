// Drives an IkeNode with the IKEv1 responder enabled (engine::Policy::accept_ikev1) with
// datagrams from the fuzzer. Input: [mode octet] then records [u16 length][bytes]; each record
// is one datagram to port 500 (4500 when the length's top bit is set). The mode octet's bit 0
// picks the responder's identity: RSA-2048 (main mode captures, method 3) or ECDSA P-256
// (aggressive capture, method 9). A record starting with 0xAA gets the cookies of the
// responder's last answer written over its first 16 octets, so later messages of an exchange
// (MM3 with a real KE, MM5/AM3 bodies that must decrypt) reach the state machine. Between
// records virtual time advances 5 s, so half-open SAs expire and established ones age.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/crypto/certificate.h"
#include "core/crypto/random.h"
#include "core/engine/ike_node.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ikewot;          // NOLINT
using namespace ikewot::engine;  // NOLINT

LocalIdentity MakeIdentity(crypto::KeyType type, uint64_t seed) {
  DeterministicRng rng(seed);
  return fuzz::MakeFuzzIdentity(type, rng, TimePoint::FromUnixSeconds(1700000000));
}

// Made once: key generation is not what is being fuzzed.
const LocalIdentity& Identity(bool rsa) {
  static const LocalIdentity kRsa = MakeIdentity(crypto::KeyType::kRsa2048, 1);
  static const LocalIdentity kEcdsa = MakeIdentity(crypto::KeyType::kEcdsaP256, 2);
  return rsa ? kRsa : kEcdsa;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  TimePoint now = TimePoint::FromUnixSeconds(1700000000);
  DeterministicRng rng(3);
  NodeConfig config;
  config.responder_policy.identity = Identity((data[0] & 1) != 0);
  config.responder_policy.accept_ikev1 = true;
  config.responder_policy.accept_peer = [](const PeerCertificateView& view) {
    return view.chain_der->size() % 2 ? CertificateDecision::kAcceptTrusted
                                      : CertificateDecision::kReject;
  };
  IkeNode node(config, rng);
  const Endpoint self = Endpoint::V4(198, 51, 100, 1, 500);
  const Endpoint peer = Endpoint::V4(192, 0, 2, 1, 500);
  uint8_t last_cookies[16] = {};
  bool have_cookies = false;
  fuzz::DatagramRecords records(data, size, 1);
  for (fuzz::DatagramRecord record; records.Next(&record);) {
    Bytes& payload = record.payload;
    Endpoint local = self, remote = peer;
    if (record.nat_traversal_port) local.port = remote.port = kNatTraversalPort;
    if (have_cookies && payload.size() >= 16 && payload[0] == 0xAA) {
      std::copy(std::begin(last_cookies), std::end(last_cookies), payload.begin());
    }
    node.HandleDatagram(Datagram{local, remote, FrameIkeMessage(local, remote, payload)}, now);
    for (const Datagram& out : node.TakeOutgoing()) {
      Result<UnframedDatagram> u = UnframeDatagram(out);
      if (u.ok() && u->ike_message.size() >= 16) {
        std::copy(u->ike_message.begin(), u->ike_message.begin() + 16, last_cookies);
        have_cookies = true;
      }
    }
    (void)node.TakeEvents();
    now = now + std::chrono::seconds(5);
    if (node.NextDeadline() <= now) node.HandleTimeout(now);
  }
  return 0;
}
