// Drives an ikev1::Initiator (the IKEv1 probe) with answers from the fuzzer. Input: [mode octet]
// then records [u16 length][bytes]; each record is one datagram from the responder (to our NAT-T
// port when the length's top bit is set). Mode bit 0: main mode (an RSA identity signs MM5)
// instead of aggressive mode (KE of group 19, the captured strongSwan AM2's group); bit 1: the
// initiator cookie is written over each record's first 8 octets, so records get past the
// cookie check into parsing, proposal matching, Diffie-Hellman and signature checks. Between
// records virtual time advances 300 ms so retransmissions and the give-up are exercised too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/crypto/certificate.h"
#include "core/crypto/random.h"
#include "core/ikev1/initiator.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ikewot;  // NOLINT

engine::LocalIdentity MakeRsaIdentity() {
  DeterministicRng rng(1);
  return fuzz::MakeFuzzIdentity(crypto::KeyType::kRsa2048, rng,
                                TimePoint::FromUnixSeconds(1700000000));
}

// Made once: key generation is not what is being fuzzed.
const engine::LocalIdentity& RsaIdentity() {
  static const engine::LocalIdentity kIdentity = MakeRsaIdentity();
  return kIdentity;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  TimePoint now = TimePoint::FromUnixSeconds(1700000000);
  DeterministicRng rng(2);
  ikev1::InitiatorConfig config;
  config.mode = (data[0] & 1) ? ikev1::Phase1Mode::kMain : ikev1::Phase1Mode::kAggressive;
  config.local = engine::Endpoint::V4(192, 0, 2, 1, 500);
  config.remote = engine::Endpoint::V4(192, 0, 2, 2, 500);
  config.local_natt = engine::Endpoint::V4(192, 0, 2, 1, 4500);
  config.aggressive_group = 19;
  config.identity = RsaIdentity();
  auto initiator = ikev1::Initiator::Start(config, rng, now);
  if (!initiator.ok()) return 0;
  ikev1::Initiator& i = **initiator;
  const bool patch_cookie = (data[0] & 2) != 0;
  fuzz::DatagramRecords records(data, size, 1);
  for (fuzz::DatagramRecord record; !i.done() && records.Next(&record);) {
    const Bytes& payload = record.payload;
    engine::Endpoint local = i.local(), remote = config.remote;
    if (record.nat_traversal_port) remote.port = engine::kNatTraversalPort;
    Bytes framed = engine::FrameIkeMessage(local, remote, payload);
    if (patch_cookie) {
      const size_t at = framed.size() - payload.size();
      const auto& cookie = i.initiator_cookie();
      for (size_t k = 0; k < cookie.size() && at + k < framed.size(); ++k) {
        framed[at + k] = cookie[k];
      }
    }
    i.HandleDatagram(engine::Datagram{local, remote, std::move(framed)}, now);
    (void)i.TakeOutgoing();
    (void)i.TakeEvents();
    now = now + std::chrono::milliseconds(300);
    if (i.NextDeadline() <= now) i.HandleTimeout(now);
  }
  return 0;
}
