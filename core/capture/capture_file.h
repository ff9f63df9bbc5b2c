// Capture files as bytes: classic pcap (both byte orders, micro- and nanosecond timestamps) and
// pcapng (Section Header, Interface Description, Enhanced and Simple Packet Blocks; every other
// block is skipped). Pure parsing: the caller reads the file; frames point into its buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/base/time.h"

namespace ikewot::capture {

// LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) the packet decoder understands.
inline constexpr uint16_t kLinkTypeNull = 0;  // BSD loopback: 4-byte address family
inline constexpr uint16_t kLinkTypeEthernet = 1;
inline constexpr uint16_t kLinkTypeRaw = 101;       // raw IPv4 or IPv6
inline constexpr uint16_t kLinkTypeLinuxSll = 113;  // Linux "cooked" v1
inline constexpr uint16_t kLinkTypeIpv4 = 228;
inline constexpr uint16_t kLinkTypeIpv6 = 229;
inline constexpr uint16_t kLinkTypeLinuxSll2 = 276;

enum class FileFormat : uint8_t { kPcap, kPcapNg };

struct Frame {
  size_t number = 0;       // 1-based position among the file's packets
  size_t file_offset = 0;  // where the packet's record or block starts
  TimePoint timestamp;     // since the Unix epoch
  uint16_t link_type = 0;
  uint32_t original_length = 0;  // length on the wire; data may be shorter (snap length)
  ByteView data;                 // captured octets, inside the buffer given to ParseCaptureFile
};

struct CaptureFile {
  FileFormat format = FileFormat::kPcap;
  std::vector<Frame> frames;
};

// True when `file` starts with a pcap or pcapng magic number.
bool LooksLikeCapture(ByteView file);

// Parses the whole file. Errors carry the absolute offset and name the packet number ("packet 7:
// record claims 1500 octets, 20 remain"); `file` must outlive the returned frames.
Result<CaptureFile> ParseCaptureFile(ByteView file);

}  // namespace ikewot::capture
