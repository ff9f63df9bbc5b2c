// IPv4 and IPv6 fragment reassembly for the capture reader, so that a large fragmented IKE
// message (IKE_SA_INIT with big key shares, certificate-bearing IKEv1 messages) is decoded
// whole. Bounded in datagrams, fragments and octets; overlapping fragments drop their datagram
// (RFC 5722), exact duplicates are ignored. What cannot be put together is reported, not lost.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/time.h"
#include "core/capture/ip_address.h"
#include "core/capture/packet.h"

namespace ikewot::capture {

struct FragmentLimits {
  size_t max_pending_datagrams = 64;
  size_t max_fragments_per_datagram = 64;
  size_t max_datagram_octets = 65535;     // the largest IPv4 packet, IPv6 without jumbograms
  size_t max_buffered_octets = 4u << 20;  // over all pending datagrams
};

struct ReassembledPacket {
  uint8_t version = 4;
  IpAddress source;
  IpAddress destination;
  uint8_t protocol = 0;                // IPv4 protocol, or the IPv6 fragment header's Next Header
  Bytes payload;                       // the fragmentable part, whole
  std::vector<size_t> packet_numbers;  // frames that carried the fragments, in arrival order
  TimePoint timestamp;                 // of the completing fragment
};

struct CaptureNote {
  size_t packet_number = 0;
  std::string message;
};

class FragmentReassembler {
 public:
  explicit FragmentReassembler(FragmentLimits limits = {}) : limits_(limits) {}

  // Adds a fragment (`fragment.is_fragment`, not truncated). Returns the whole packet when this
  // fragment completes one; problems (overlaps, bounds) are appended to `notes`.
  std::optional<ReassembledPacket> Add(const IpPacket& fragment, size_t packet_number,
                                       TimePoint timestamp, std::vector<CaptureNote>* notes);

  // One note per datagram still incomplete; call when the capture ends.
  std::vector<CaptureNote> Incomplete() const;

 private:
  struct Key {
    uint8_t version;
    IpAddress source;
    IpAddress destination;
    uint32_t id;
    uint8_t protocol;  // IPv4 only; 0 for IPv6
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  struct Pending {
    std::map<size_t, Bytes> pieces;  // by offset
    std::optional<size_t> total;     // known once the last fragment arrived
    std::optional<uint8_t> protocol;
    std::vector<size_t> packet_numbers;
    size_t buffered = 0;
  };

  void Drop(std::map<Key, Pending>::iterator it, size_t packet_number, const std::string& why,
            std::vector<CaptureNote>* notes);
  static std::string Describe(const Key& key);

  FragmentLimits limits_;
  std::map<Key, Pending> pending_;
  size_t buffered_ = 0;
};

}  // namespace ikewot::capture
