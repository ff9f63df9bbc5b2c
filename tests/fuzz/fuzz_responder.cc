// Drives a responder IkeNode with a sequence of datagrams from the fuzzer. Input format: a
// sequence of records [u16 length][bytes]; each record is one datagram to port 500 (or 4500 when
// the length's top bit is set). Between records virtual time advances one second, so timers,
// retransmission caches and half-open expiry run too.
//
// Known-keys mode (first input octet odd): before the fuzzer's records, a real initiator runs
// IKE_SA_INIT against the responder with a fixed seed; with bit 1 of the first octet also set it
// completes IKE_AUTH too, so the SA is established. Then:
//  - records starting with 0xAA are rewritten to carry that SA's SPIs (raw, so their ICV fails);
//  - records starting with 0xE5 are decrypted-body fuzzing: [0xE5][exchange type][first inner
//    payload type][message ID][flags: bit 0 response][plaintext...] is sent as an SK message
//    with that SA's SPIs, protected with the initiator's real keys, so the plaintext reaches the
//    inner payload parser and the exchange handlers past the integrity check.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/crypto/certificate.h"
#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "core/engine/ike_node.h"
#include "core/engine/protection.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ikewot;          // NOLINT
using namespace ikewot::engine;  // NOLINT

Policy MakePolicy(Rng& rng, TimePoint now) {
  Policy policy;
  policy.ike_proposals = {{{{crypto::kEncrAesGcm16, 256}},
                           {crypto::kPrfHmacSha2_256},
                           {},
                           {crypto::kDhCurve25519, crypto::kDhEcp256}},
                          {{{crypto::kEncrAesCbc, 128}},
                           {crypto::kPrfHmacSha2_256},
                           {crypto::kIntegHmacSha2_256_128},
                           {crypto::kDhCurve25519}}};
  policy.esp_proposals = {{{{crypto::kEncrAesGcm16, 256}}, {}, false}};
  policy.identity = fuzz::MakeFuzzIdentity(crypto::KeyType::kEd25519, rng, now);
  return policy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const TimePoint start = TimePoint::FromUnixSeconds(1700000000);
  DeterministicRng rng(1);
  NodeConfig config;
  config.responder_policy = MakePolicy(rng, start);
  config.cookies.global_threshold = 4;
  IkeNode responder(config, rng);
  const Endpoint self = Endpoint::V4(198, 51, 100, 1, 500);
  const Endpoint peer = Endpoint::V4(192, 0, 2, 1, 500);
  TimePoint now = start;

  uint64_t spi_i = 0, spi_r = 0;
  std::optional<crypto::SkCipher> initiator_cipher;
  DeterministicRng initiator_rng(2);
  if (size > 0 && (data[0] & 1)) {
    IkeNode initiator(NodeConfig{}, initiator_rng);
    Policy policy = config.responder_policy;
    Result<SaHandle> h = initiator.Connect(peer, self, policy, now);
    if (h.ok()) {
      // IKE_SA_INIT -->, <-- ; then, when asked for, IKE_AUTH -->, <--.
      const int rounds = (data[0] & 2) ? 2 : 1;
      for (int round = 0; round < rounds; ++round) {
        for (Datagram& d : initiator.TakeOutgoing())
          responder.HandleDatagram({d.remote, d.local, d.payload}, now);
        for (Datagram& d : responder.TakeOutgoing())
          initiator.HandleDatagram({d.remote, d.local, d.payload}, now);
      }
      (void)initiator.TakeOutgoing();  // an IKE_AUTH request the responder never sees
      if (const IkeSa* sa = initiator.Find(*h); sa != nullptr && sa->suite()) {
        spi_i = sa->spi_i();
        spi_r = sa->spi_r();
        const IkeSuiteChoice& suite = *sa->suite();
        Result<crypto::SkCipher> cipher = crypto::SkCipher::Create(
            suite.encr.id, suite.encr.key_bits, suite.integ, sa->keys().sk_ei, sa->keys().sk_ai);
        if (cipher.ok()) initiator_cipher.emplace(std::move(*cipher));
      }
    }
    (void)responder.TakeEvents();
  }
  fuzz::DatagramRecords records(data, size, size > 0 ? 1 : 0);
  for (fuzz::DatagramRecord record; records.Next(&record);) {
    Bytes& payload = record.payload;
    Endpoint local = self, remote = peer;
    if (record.nat_traversal_port) local.port = remote.port = kNatTraversalPort;
    if (spi_i != 0 && payload.size() >= 16 && payload[0] == 0xAA) {
      for (int i = 0; i < 8; ++i) {
        payload[i] = static_cast<uint8_t>(spi_i >> (56 - 8 * i));
        payload[8 + i] = static_cast<uint8_t>(spi_r >> (56 - 8 * i));
      }
    } else if (initiator_cipher && payload.size() >= 5 && payload[0] == 0xE5) {
      ikev2::Header h;
      h.spi_i = spi_i;
      h.spi_r = spi_r;
      h.exchange_type = static_cast<ikev2::ExchangeType>(payload[1]);
      h.initiator = true;
      h.response = (payload[4] & 1) != 0;
      h.message_id = payload[3];
      Result<Bytes> sealed =
          ProtectBody(h, static_cast<ikev2::PayloadType>(payload[2]), ByteView(payload).subspan(5),
                      *initiator_cipher, initiator_rng);
      if (!sealed.ok()) continue;
      payload = FrameIkeMessage(local, remote, *sealed);
    }
    responder.HandleDatagram(Datagram{local, remote, std::move(payload)}, now);
    (void)responder.TakeOutgoing();
    (void)responder.TakeEvents();
    now = now + std::chrono::seconds(1);
    if (responder.NextDeadline() <= now) responder.HandleTimeout(now);
  }
  return 0;
}
