// libFuzzer target for the ESP data plane (core/esp): everything an attacker on the path or a
// misbehaving peer controls. Input: [suite][mode][rest]; keys are fixed, so inputs can be made
// authentic and reach the checks behind the ICV.
//   mode 0: rest is an ESP packet as received: InboundSa::Decapsulate, plus the raw parsers
//           (RFC 3948 classification, inner IP packet). Must fail cleanly or be authentic.
//   mode 1: rest is a series of [sequence low (4)][length (1)][decrypted body] records; each is
//           sealed with the SA's keys (as the peer would) and decapsulated by one InboundSa, so
//           padding, Next Header, ESN inference and the anti-replay window see chosen input
//           from an authentic sender. An accepted packet must be consistent.
//   mode 2: rest is an inner packet: Encapsulate then Decapsulate must give it back.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "core/esp/esp_cipher.h"
#include "core/esp/esp_sa.h"
#include "core/esp/inner_packet.h"
#include "core/esp/udp_encapsulation.h"

namespace {

using namespace ikewot;
using namespace ikewot::esp;

struct FuzzSuite {
  uint16_t encr_id, key_bits, integ_id;
  size_t encr_key_size, integ_key_size;
  bool esn;
};

constexpr FuzzSuite kSuites[] = {
    {crypto::kEncrAesGcm16, 128, crypto::kIntegNone, 20, 0, false},
    {crypto::kEncrAesGcm8, 256, crypto::kIntegNone, 36, 0, true},
    {crypto::kEncrChaCha20Poly1305, 0, crypto::kIntegNone, 36, 0, false},
    {crypto::kEncrChaCha20Poly1305, 0, crypto::kIntegNone, 36, 0, true},
    {crypto::kEncrAesCbc, 128, crypto::kIntegHmacSha1_96, 16, 20, false},
    {crypto::kEncrAesCbc, 256, crypto::kIntegHmacSha2_256_128, 32, 32, true},
};
constexpr uint32_t kSpi = 0xc0ffee01;

SaParameters Parameters(const FuzzSuite& s) {
  SaParameters p;
  p.spi = kSpi;
  p.suite.encr = {s.encr_id, s.key_bits};
  p.suite.integ = s.integ_id;
  p.suite.extended_sequence_numbers = s.esn;
  p.encr_key.assign(s.encr_key_size, 0x5e);
  p.integ_key.assign(s.integ_key_size, 0xa7);
  return p;
}

void CheckAccepted(const Result<Decapsulated>& out, size_t packet_size) {
  if (!out.ok()) return;
  if (out->inner.size() >= packet_size) std::abort();
  const uint8_t nh = out->next_header;
  if (nh != kNextHeaderIpv4 && nh != kNextHeaderIpv6 && nh != kNextHeaderNoNext) std::abort();
  if (nh == kNextHeaderNoNext && !out->inner.empty()) std::abort();
}

void Received(const FuzzSuite& suite, ByteView packet) {
  (void)ClassifyUdp4500(packet);
  (void)PeekSpi(packet);
  (void)ParseInnerPacket(packet);
  auto in = InboundSa::Create(Parameters(suite), InboundOptions{64});
  if (!in.ok()) std::abort();
  CheckAccepted(in->Decapsulate(packet), packet.size());
}

void AuthenticSeries(const FuzzSuite& suite, ByteView rest) {
  const SaParameters p = Parameters(suite);
  auto in = InboundSa::Create(p, InboundOptions{64});
  auto cipher = EspCipher::Create(p.suite, p.encr_key, p.integ_key);
  if (!in.ok() || !cipher.ok()) std::abort();
  uint64_t previous_top = 0;
  while (rest.size() >= 5) {
    const uint32_t low =
        static_cast<uint32_t>(rest[0]) << 24 | rest[1] << 16 | rest[2] << 8 | rest[3];
    const size_t length = std::min<size_t>(rest[4], rest.size() - 5);
    ByteView body_in = rest.subspan(5, length);
    rest = rest.subspan(5 + length);
    // Whole cipher blocks, as any sender must produce; the fuzzer picks every octet.
    const size_t align = cipher->alignment();
    Bytes body(body_in.begin(), body_in.end());
    body.resize(std::max(align, (body.size() + align - 1) / align * align), 0);
    Bytes packet = {static_cast<uint8_t>(kSpi >> 24), static_cast<uint8_t>(kSpi >> 16),
                    static_cast<uint8_t>(kSpi >> 8),  static_cast<uint8_t>(kSpi),
                    static_cast<uint8_t>(low >> 24),  static_cast<uint8_t>(low >> 16),
                    static_cast<uint8_t>(low >> 8),   static_cast<uint8_t>(low)};
    const uint64_t sequence = in->replay_window().InferSequence(low);
    const std::optional<uint32_t> high =
        suite.esn ? std::optional<uint32_t>(static_cast<uint32_t>(sequence >> 32)) : std::nullopt;
    Bytes iv(cipher->iv_size(), 0x17);
    Bytes icv(cipher->icv_size());
    if (!cipher->Seal(ByteView(packet), high, iv, body, icv).ok()) std::abort();
    packet.insert(packet.end(), iv.begin(), iv.end());
    packet.insert(packet.end(), body.begin(), body.end());
    packet.insert(packet.end(), icv.begin(), icv.end());
    auto out = in->Decapsulate(packet);
    CheckAccepted(out, packet.size());
    if (out.code() == ErrorCode::kAuthFailure) std::abort();  // we sealed it ourselves
    // The window only moves forward, and only to authentic numbers.
    if (in->replay_window().top() < previous_top) std::abort();
    previous_top = in->replay_window().top();
    if (out.ok() && out->sequence != sequence) std::abort();
  }
}

void RoundTrip(const FuzzSuite& suite, ByteView inner) {
  auto out = OutboundSa::Create(Parameters(suite));
  auto in = InboundSa::Create(Parameters(suite));
  if (!out.ok() || !in.ok()) std::abort();
  DeterministicRng rng(1);
  auto packet = out->Encapsulate(inner, rng);
  if (!packet.ok()) return;  // not IP
  auto back = in->Decapsulate(*packet);
  if (!back.ok() ||
      !std::equal(back->inner.begin(), back->inner.end(), inner.begin(), inner.end())) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const FuzzSuite& suite = kSuites[data[0] % (sizeof(kSuites) / sizeof(kSuites[0]))];
  const ByteView rest(data + 2, size - 2);
  switch (data[1] % 3) {
    case 0:
      Received(suite, rest);
      break;
    case 1:
      AuthenticSeries(suite, rest);
      break;
    default:
      RoundTrip(suite, rest);
      break;
  }
  return 0;
}
