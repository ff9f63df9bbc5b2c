// One direction of an ESP CHILD SA (RFC 4303), pure and sans-I/O: OutboundSa turns an inner IP
// packet into an ESP packet, InboundSa turns an ESP packet back into the inner IP packet. The
// engine negotiates the SA (engine::ChildSaInfo); a driver (driver/esp_tunnel.h, or the ns-3
// application) moves the bytes. No sockets, no clock, no entropy of its own: CBC IVs come from
// the caller's Rng, AEAD IVs are the 64-bit sequence number (RFC 4106 §3.1, RFC 7634 §2).
//
// RFC 4303 §2, top-level format of an ESP packet:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
//   |               Security Parameters Index (SPI)                 | ^Int.
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
//   |                      Sequence Number                          | |ered
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
//   |                    Payload Data* (variable)                   | |   ^
//   ~                                                               ~ |   |
//   |                                                               | |Conf.
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
//   |               |     Padding (0-255 bytes)                     | |ered*
//   +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
//   |                               |  Pad Length   | Next Header   | v   v
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
//   |         Integrity Check Value-ICV   (variable)                |
//   ~                                                               ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Payload Data starts with the IV (8 octets for AES-GCM and ChaCha20-Poly1305, 16 for AES-CBC).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/engine/events.h"
#include "core/engine/proposals.h"
#include "core/esp/esp_cipher.h"
#include "core/esp/replay_window.h"

namespace ikewot::esp {

// Next Header values (IANA protocol numbers) that a tunnel-mode SA carries.
inline constexpr uint8_t kNextHeaderIpv4 = 4;
inline constexpr uint8_t kNextHeaderIpv6 = 41;
inline constexpr uint8_t kNextHeaderNoNext = 59;  // a dummy packet (RFC 4303 §2.6): discarded

// The keys and SPI of one direction.
struct SaParameters {
  uint32_t spi = 0;  // the receiver's SPI
  engine::EspSuiteChoice suite;
  Bytes encr_key;   // AEAD: key || 4-octet salt
  Bytes integ_key;  // empty for AEAD
};

// RFC 7296 §2.17: the initiator sends with the i->r keys to the responder's SPI; the responder
// sends with the r->i keys to the initiator's SPI.
SaParameters OutboundParameters(const engine::ChildSaInfo& child, bool initiator);
SaParameters InboundParameters(const engine::ChildSaInfo& child, bool initiator);

struct OutboundCounters {
  uint64_t packets = 0;
  uint64_t octets = 0;   // inner octets
  uint64_t refused = 0;  // sequence number exhausted, or not an IP packet
};

class OutboundSa {
 public:
  // kUnsupported / kInvalidArgument for suites or key sizes ikewot does not implement.
  static Result<OutboundSa> Create(const SaParameters& parameters);

  uint32_t spi() const { return spi_; }
  bool extended_sequence_numbers() const { return esn_; }
  // The sequence number the next packet will carry (starts at 1, §3.3.3).
  uint64_t next_sequence() const { return next_sequence_; }
  const OutboundCounters& counters() const { return counters_; }

  // `inner` must be an IPv4 or IPv6 packet (its version nibble picks Next Header 4 or 41). `rng`
  // supplies CBC IVs only. kLimitExceeded once the sequence number would wrap (§3.3.3: the SA
  // must be rekeyed instead); kInvalidArgument for an inner packet that is not IP.
  Result<Bytes> Encapsulate(ByteView inner, Rng& rng);
  // Any Next Header value (e.g. kNextHeaderNoNext for a dummy packet).
  Result<Bytes> EncapsulateWithNextHeader(ByteView payload, uint8_t next_header, Rng& rng);

  // Test hook: continue from another sequence number (e.g. near 2^32 to test the overflow).
  void SetNextSequenceForTesting(uint64_t next) { next_sequence_ = next; }

 private:
  OutboundSa(uint32_t spi, bool esn, EspCipher cipher)
      : spi_(spi), esn_(esn), cipher_(std::move(cipher)) {}

  uint32_t spi_ = 0;
  bool esn_ = false;
  uint64_t next_sequence_ = 1;
  EspCipher cipher_;
  OutboundCounters counters_;
};

// Why an inbound packet was dropped. Errors from Decapsulate carry codes that map 1:1 onto
// these (DropReasonOf), so a caller can count without parsing messages.
enum class DropReason : uint8_t {
  kMalformed,  // kTruncated / kBadLength: too short, or not whole cipher blocks
  kWrongSpi,   // kNotFound: the packet is for another SA
  kIcv,        // kAuthFailure: integrity check failed (forged, damaged, wrong keys)
  kReplay,     // kState: duplicate, or left of the anti-replay window
  kPadding,    // kBadValue: pad length or padding octets or Next Header not allowed
};
DropReason DropReasonOf(ErrorCode code);

struct InboundCounters {
  uint64_t packets = 0;  // delivered (dummy packets included)
  uint64_t octets = 0;   // inner octets delivered
  uint64_t dummy = 0;    // Next Header 59, discarded by the caller
  uint64_t dropped_malformed = 0;
  uint64_t dropped_wrong_spi = 0;
  uint64_t dropped_icv = 0;
  uint64_t dropped_replay = 0;
  uint64_t dropped_padding = 0;
};

struct InboundOptions {
  // Anti-replay window in packets (RFC 4303 §3.4.3: at least 32, 64 recommended; Appendix A:
  // larger windows for fast links). 32..65536.
  uint32_t replay_window = 128;
};

struct Decapsulated {
  Bytes inner;  // the inner IP packet (empty for a dummy packet)
  uint8_t next_header = 0;
  uint64_t sequence = 0;  // full 64-bit number when ESN is on
};

class InboundSa {
 public:
  static Result<InboundSa> Create(const SaParameters& parameters, InboundOptions options = {});

  uint32_t spi() const { return spi_; }
  const InboundCounters& counters() const { return counters_; }
  const ReplayWindow& replay_window() const { return window_; }

  // Order of checks (§3.4): SPI and length; the ICV, in constant time, before anything is
  // decrypted or trusted (with ESN the high half of the sequence number is inferred first, per
  // Appendix A2.2, because it is covered by the ICV); then the anti-replay window, which is
  // advanced only by authentic packets; then padding (§2.4: 1, 2, 3, ...) and Next Header.
  Result<Decapsulated> Decapsulate(ByteView packet);

 private:
  InboundSa(uint32_t spi, EspCipher cipher, ReplayWindow window)
      : spi_(spi), cipher_(std::move(cipher)), window_(std::move(window)) {}
  Result<Decapsulated> DecapsulateUncounted(ByteView packet);

  uint32_t spi_ = 0;
  EspCipher cipher_;
  ReplayWindow window_;
  InboundCounters counters_;
};

}  // namespace ikewot::esp
