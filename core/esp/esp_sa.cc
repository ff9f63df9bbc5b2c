#include "core/esp/esp_sa.h"

#include <openssl/crypto.h>

#include <limits>
#include <optional>
#include <string>

#include "core/base/reader.h"
#include "core/base/writer.h"

namespace ikewot::esp {
namespace {

constexpr size_t kHeaderSize = 8;   // SPI + Sequence Number
constexpr size_t kTrailerSize = 2;  // Pad Length + Next Header

std::optional<uint32_t> EsnHigh(bool esn, uint64_t sequence) {
  if (!esn) return std::nullopt;
  return static_cast<uint32_t>(sequence >> 32);
}

}  // namespace

SaParameters OutboundParameters(const engine::ChildSaInfo& child, bool initiator) {
  SaParameters p;
  p.suite = child.suite;
  if (initiator) {
    p.spi = child.spi_responder;
    p.encr_key = child.encr_key_i_to_r;
    p.integ_key = child.integ_key_i_to_r;
  } else {
    p.spi = child.spi_initiator;
    p.encr_key = child.encr_key_r_to_i;
    p.integ_key = child.integ_key_r_to_i;
  }
  return p;
}

SaParameters InboundParameters(const engine::ChildSaInfo& child, bool initiator) {
  return OutboundParameters(child, !initiator);
}

// ---------------------------------------------------------------------------------- outbound

Result<OutboundSa> OutboundSa::Create(const SaParameters& parameters) {
  auto cipher = EspCipher::Create(parameters.suite, parameters.encr_key, parameters.integ_key);
  if (!cipher.ok()) return cipher.error();
  return OutboundSa(parameters.spi, parameters.suite.extended_sequence_numbers, std::move(*cipher));
}

Result<Bytes> OutboundSa::Encapsulate(ByteView inner, Rng& rng) {
  if (inner.empty() || ((inner[0] >> 4) != 4 && (inner[0] >> 4) != 6)) {
    ++counters_.refused;
    return MakeError(ErrorCode::kInvalidArgument, "inner packet is not IPv4 or IPv6");
  }
  return EncapsulateWithNextHeader(inner, (inner[0] >> 4) == 4 ? kNextHeaderIpv4 : kNextHeaderIpv6,
                                   rng);
}

Result<Bytes> OutboundSa::EncapsulateWithNextHeader(ByteView payload, uint8_t next_header,
                                                    Rng& rng) {
  // §3.3.3: a sender never lets the counter cycle; the SA must be rekeyed first. Sequence 0 is
  // never sent, so after the last number next_sequence_ is 0 (ESN) or 2^32 (32-bit).
  const uint64_t limit =
      esn_ ? std::numeric_limits<uint64_t>::max() : std::numeric_limits<uint32_t>::max();
  if (next_sequence_ == 0 || next_sequence_ > limit) {
    ++counters_.refused;
    return MakeError(ErrorCode::kLimitExceeded, "ESP sequence numbers of SPI " +
                                                    std::to_string(spi_) +
                                                    " are exhausted; the CHILD SA must be rekeyed");
  }
  const uint64_t sequence = next_sequence_;

  // §2.4: Payload || Padding (1, 2, 3, ...) || Pad Length || Next Header fills whole blocks.
  const size_t align = cipher_.alignment();
  const size_t body_size = (payload.size() + kTrailerSize + align - 1) / align * align;
  const size_t pad_length = body_size - payload.size() - kTrailerSize;

  Bytes packet;
  packet.reserve(kHeaderSize + cipher_.iv_size() + body_size + cipher_.icv_size());
  Writer w(&packet);
  w.U32(spi_);
  w.U32(static_cast<uint32_t>(sequence));  // low half only; ESN keeps the high half implicit
  const size_t iv_at = w.size();
  if (cipher_.aead()) {
    // RFC 4106 §3.1 / RFC 7634 §2: the IV must never repeat under a key; the 64-bit sequence
    // number is unique per SA and costs no entropy.
    w.U64(sequence);
  } else {
    Bytes iv(cipher_.iv_size());
    rng.Fill(iv);  // RFC 3602 §3: CBC IVs must be unpredictable
    w.Append(iv);
  }
  const size_t body_at = w.size();
  w.Append(payload);
  for (size_t i = 1; i <= pad_length; ++i) w.U8(static_cast<uint8_t>(i));
  w.U8(static_cast<uint8_t>(pad_length));
  w.U8(next_header);
  const size_t icv_at = w.size();
  packet.resize(icv_at + cipher_.icv_size());

  IKEWOT_RETURN_IF_ERROR(
      cipher_.Seal(ByteView(packet.data(), kHeaderSize), EsnHigh(esn_, sequence),
                   ByteView(packet.data() + iv_at, cipher_.iv_size()),
                   std::span<uint8_t>(packet.data() + body_at, body_size),
                   std::span<uint8_t>(packet.data() + icv_at, cipher_.icv_size())));
  next_sequence_ = sequence + 1;  // wraps to 0 only after 2^64 - 1, caught above
  ++counters_.packets;
  counters_.octets += payload.size();
  return packet;
}

// ----------------------------------------------------------------------------------- inbound

DropReason DropReasonOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
      return DropReason::kWrongSpi;
    case ErrorCode::kAuthFailure:
      return DropReason::kIcv;
    case ErrorCode::kState:
      return DropReason::kReplay;
    case ErrorCode::kBadValue:
      return DropReason::kPadding;
    default:
      return DropReason::kMalformed;
  }
}

Result<InboundSa> InboundSa::Create(const SaParameters& parameters, InboundOptions options) {
  auto cipher = EspCipher::Create(parameters.suite, parameters.encr_key, parameters.integ_key);
  if (!cipher.ok()) return cipher.error();
  auto window =
      ReplayWindow::Create(options.replay_window, parameters.suite.extended_sequence_numbers);
  if (!window.ok()) return window.error();
  return InboundSa(parameters.spi, std::move(*cipher), std::move(*window));
}

Result<Decapsulated> InboundSa::Decapsulate(ByteView packet) {
  Result<Decapsulated> result = DecapsulateUncounted(packet);
  if (result.ok()) {
    ++counters_.packets;
    counters_.octets += result->inner.size();
    if (result->next_header == kNextHeaderNoNext) ++counters_.dummy;
    return result;
  }
  switch (DropReasonOf(result.code())) {
    case DropReason::kMalformed:
      ++counters_.dropped_malformed;
      break;
    case DropReason::kWrongSpi:
      ++counters_.dropped_wrong_spi;
      break;
    case DropReason::kIcv:
      ++counters_.dropped_icv;
      break;
    case DropReason::kReplay:
      ++counters_.dropped_replay;
      break;
    case DropReason::kPadding:
      ++counters_.dropped_padding;
      break;
  }
  return result;
}

Result<Decapsulated> InboundSa::DecapsulateUncounted(ByteView packet) {
  // Syntax: header, IV, ciphertext in whole blocks, ICV.
  Reader r(packet);
  uint32_t spi = 0;
  uint32_t sequence_low = 0;
  if (!r.ReadU32(&spi)) return r.Fail(ErrorCode::kTruncated, "ESP packet ends inside the SPI");
  if (!r.ReadU32(&sequence_low)) {
    return r.Fail(ErrorCode::kTruncated, "ESP packet ends inside the Sequence Number");
  }
  if (spi != spi_) {
    return MakeError(
        ErrorCode::kNotFound,
        "ESP packet for SPI " + std::to_string(spi) + ", this SA is SPI " + std::to_string(spi_),
        0);
  }
  ByteView iv;
  if (!r.ReadBytes(cipher_.iv_size(), &iv)) {
    return r.Fail(ErrorCode::kTruncated,
                  "ESP packet ends inside the " + std::to_string(cipher_.iv_size()) + "-octet IV");
  }
  const size_t align = cipher_.alignment();
  if (r.remaining() < align + cipher_.icv_size()) {
    return r.Fail(ErrorCode::kTruncated, "ESP packet has " + std::to_string(r.remaining()) +
                                             " octets after the IV, needs at least " +
                                             std::to_string(align + cipher_.icv_size()) +
                                             " (one block and the ICV)");
  }
  const size_t ciphertext_size = r.remaining() - cipher_.icv_size();
  if (ciphertext_size % align != 0) {
    return r.Fail(ErrorCode::kBadLength, "ESP ciphertext must be a multiple of " +
                                             std::to_string(align) + " octets, got " +
                                             std::to_string(ciphertext_size));
  }
  ByteView ciphertext;
  ByteView icv;
  if (!r.ReadBytes(ciphertext_size, &ciphertext)) {
    return r.Fail(ErrorCode::kTruncated, "ESP ciphertext");
  }
  const size_t icv_offset = r.offset();
  if (!r.ReadBytes(cipher_.icv_size(), &icv)) return r.Fail(ErrorCode::kTruncated, "ESP ICV");
  IKEWOT_RETURN_IF_ERROR(r.ExpectEmpty("ESP packet"));

  // Integrity first (§3.4.4): nothing of the packet is trusted before its ICV verifies.
  const uint64_t sequence = window_.InferSequence(sequence_low);
  Bytes plain(ciphertext.size());
  Status opened = cipher_.Open(packet.first(kHeaderSize),
                               EsnHigh(window_.extended_sequence_numbers(), sequence), iv,
                               ciphertext, icv, plain);
  if (!opened.ok()) {
    return MakeError(ErrorCode::kAuthFailure,
                     "ESP packet (SPI " + std::to_string(spi) + ", sequence " +
                         std::to_string(sequence) + ") failed its integrity check",
                     icv_offset);
  }

  // Anti-replay (§3.4.3): only authentic packets move the window.
  switch (window_.Check(sequence)) {
    case ReplayWindow::Verdict::kNew:
      break;
    case ReplayWindow::Verdict::kZero:
      return MakeError(ErrorCode::kState, "ESP sequence number 0 is never sent", 4);
    case ReplayWindow::Verdict::kDuplicate:
      return MakeError(ErrorCode::kState,
                       "ESP sequence number " + std::to_string(sequence) + " was already received",
                       4);
    case ReplayWindow::Verdict::kTooOld:
      return MakeError(ErrorCode::kState,
                       "ESP sequence number " + std::to_string(sequence) +
                           " is left of the anti-replay window (highest " +
                           std::to_string(window_.top()) + ", size " +
                           std::to_string(window_.size()) + ")",
                       4);
  }
  window_.Accept(sequence);

  // Semantics of the decrypted trailer (§2.4, §2.6). Offsets refer to the ciphertext octets.
  const size_t body_offset = kHeaderSize + iv.size();
  const uint8_t next_header = plain.back();
  const size_t pad_length = plain[plain.size() - 2];
  if (pad_length + kTrailerSize > plain.size()) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return MakeError(ErrorCode::kBadValue,
                     "ESP Pad Length " + std::to_string(pad_length) + " exceeds the " +
                         std::to_string(plain.size() - kTrailerSize) + " octets before it",
                     body_offset + plain.size() - 2);
  }
  const size_t payload_size = plain.size() - kTrailerSize - pad_length;
  for (size_t i = 0; i < pad_length; ++i) {
    if (plain[payload_size + i] != static_cast<uint8_t>(i + 1)) {
      OPENSSL_cleanse(plain.data(), plain.size());
      return MakeError(ErrorCode::kBadValue,
                       "ESP padding octet " + std::to_string(i + 1) + " must be " +
                           std::to_string(i + 1) + " (RFC 4303 §2.4)",
                       body_offset + payload_size + i);
    }
  }
  plain.resize(payload_size);
  const uint8_t version = plain.empty() ? 0 : plain[0] >> 4;
  const bool fits = (next_header == kNextHeaderIpv4 && version == 4) ||
                    (next_header == kNextHeaderIpv6 && version == 6) ||
                    (next_header == kNextHeaderNoNext);
  if (!fits) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return MakeError(ErrorCode::kBadValue,
                     "ESP Next Header " + std::to_string(next_header) +
                         " does not describe a tunnelled IPv4/IPv6 packet (inner version " +
                         std::to_string(version) + ")",
                     body_offset + ciphertext.size() - 1);
  }
  if (next_header == kNextHeaderNoNext) plain.clear();  // §2.6: dummy packets are discarded
  return Decapsulated{std::move(plain), next_header, sequence};
}

}  // namespace ikewot::esp
