// pcap (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng) container parsing.
#include "core/capture/capture_file.h"

#include <limits>
#include <optional>
#include <string>

#include "core/base/reader.h"

namespace ikewot::capture {
namespace {

constexpr uint32_t kPcapMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr uint32_t kPcapNgSectionHeader = 0x0a0d0d0a;
constexpr uint32_t kPcapNgByteOrderMagic = 0x1a2b3c4d;
constexpr uint32_t kBlockInterfaceDescription = 1;
constexpr uint32_t kBlockSimplePacket = 3;
constexpr uint32_t kBlockEnhancedPacket = 6;
constexpr uint16_t kOptionEnd = 0;
constexpr uint16_t kOptionTsResol = 9;
constexpr uint16_t kOptionTsOffset = 14;
constexpr int64_t kNanosPerSecond = 1'000'000'000;

uint32_t Swap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

// Integers in the byte order of the file or section being read.
class OrderedReader {
 public:
  OrderedReader(Reader* r, bool little_endian) : r_(r), little_(little_endian) {}
  [[nodiscard]] bool U16(uint16_t* out) {
    if (!r_->ReadU16(out)) return false;
    if (little_) *out = static_cast<uint16_t>(*out >> 8 | *out << 8);
    return true;
  }
  [[nodiscard]] bool U32(uint32_t* out) {
    if (!r_->ReadU32(out)) return false;
    if (little_) *out = Swap32(*out);
    return true;
  }
  [[nodiscard]] bool U64(uint64_t* out) {
    uint32_t first = 0;
    uint32_t second = 0;
    if (!U32(&first) || !U32(&second)) return false;
    *out = little_ ? uint64_t{second} << 32 | first : uint64_t{first} << 32 | second;
    return true;
  }
  Reader* reader() { return r_; }

 private:
  Reader* r_;
  bool little_;
};

std::string PacketLabel(size_t number) { return "packet " + std::to_string(number) + ": "; }

// ---- classic pcap ----
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  0 |                          Magic Number                         |
//  4 |          Major Version        |         Minor Version         |
//  8 |                           Reserved1                           |
// 12 |                           Reserved2                           |
// 16 |                            SnapLen                            |
// 20 | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Each packet record:
//  0 |                      Timestamp (Seconds)                      |
//  4 |            Timestamp (Microseconds or nanoseconds)            |
//  8 |                    Captured Packet Length                     |
// 12 |                    Original Packet Length                     |
// 16 /                          Packet Data                          /
Result<CaptureFile> ParsePcap(ByteView file) {
  Reader raw(file);
  uint32_t magic = 0;
  if (!raw.ReadU32(&magic)) return raw.Fail(ErrorCode::kTruncated, "pcap magic missing");
  bool little = magic == Swap32(kPcapMagicMicro) || magic == Swap32(kPcapMagicNano);
  bool nano = magic == kPcapMagicNano || magic == Swap32(kPcapMagicNano);
  OrderedReader r(&raw, little);
  uint16_t major = 0;
  uint16_t minor = 0;
  uint32_t reserved1 = 0;
  uint32_t reserved2 = 0;
  uint32_t snap_length = 0;
  uint32_t link_field = 0;
  if (!r.U16(&major) || !r.U16(&minor) || !r.U32(&reserved1) || !r.U32(&reserved2) ||
      !r.U32(&snap_length) || !r.U32(&link_field)) {
    return raw.Fail(ErrorCode::kTruncated, "pcap file header needs 24 octets");
  }
  if (major != 2) {
    return MakeError(ErrorCode::kUnsupported,
                     "pcap major version " + std::to_string(major) + " (only 2 exists)", 4);
  }
  CaptureFile capture;
  capture.format = FileFormat::kPcap;
  auto link_type = static_cast<uint16_t>(link_field & 0xffff);
  while (!raw.empty()) {
    size_t number = capture.frames.size() + 1;
    size_t start = raw.offset();
    uint32_t seconds = 0;
    uint32_t fraction = 0;
    uint32_t captured = 0;
    uint32_t original = 0;
    if (!r.U32(&seconds) || !r.U32(&fraction) || !r.U32(&captured) || !r.U32(&original)) {
      return MakeError(ErrorCode::kTruncated,
                       PacketLabel(number) + "record header needs 16 octets, " +
                           std::to_string(file.size() - start) + " remain",
                       start);
    }
    Frame frame;
    frame.number = number;
    frame.file_offset = start;
    if (!raw.ReadBytes(captured, &frame.data)) {
      return MakeError(ErrorCode::kTruncated,
                       PacketLabel(number) + "record claims " + std::to_string(captured) +
                           " captured octets, " + std::to_string(raw.remaining()) + " remain",
                       start + 8);
    }
    if (captured > original) {
      return MakeError(ErrorCode::kBadLength,
                       PacketLabel(number) + "captured length " + std::to_string(captured) +
                           " exceeds the original length " + std::to_string(original),
                       start + 8);
    }
    // At most 2^32 s * 10^9 + 2^32 * 10^3 ns: well inside int64.
    int64_t nanos = int64_t{seconds} * kNanosPerSecond + int64_t{fraction} * (nano ? 1 : 1000);
    frame.timestamp = TimePoint{Duration(nanos)};
    frame.link_type = link_type;
    frame.original_length = original;
    capture.frames.push_back(frame);
  }
  return capture;
}

// ---- pcapng ----
// Every block:
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +---------------------------------------------------------------+
//  0 |                          Block Type                           |
//    +---------------------------------------------------------------+
//  4 |                      Block Total Length                       |
//    +---------------------------------------------------------------+
//  8 /                          Block Body                           /
//    +---------------------------------------------------------------+
//    |                      Block Total Length                       |
//    +---------------------------------------------------------------+
// Options inside bodies: Option Code (16), Option Length (16), value padded to 32 bits.

struct Interface {
  uint16_t link_type = 0;
  uint32_t snap_length = 0;
  uint8_t ts_resolution = 6;  // if_tsresol: 10^-6 unless told otherwise
  int64_t ts_offset_seconds = 0;
};

size_t Padded4(size_t n) { return (n + 3) & ~size_t{3}; }

// Converts a pcapng timestamp in if_tsresol units (bit 7 set: 2^-n, else 10^-n) to a TimePoint.
std::optional<TimePoint> ToTimePoint(uint64_t units, const Interface& interface) {
  using Wide = unsigned __int128;
  uint8_t exponent = interface.ts_resolution & 0x7f;
  Wide nanos = 0;
  if (interface.ts_resolution & 0x80) {
    if (exponent >= 64) {
      nanos = (Wide{units} * kNanosPerSecond) >> exponent;  // fits: units < 2^64, 10^9 < 2^30
    } else {
      Wide whole = units >> exponent;
      Wide fraction = units & ((uint64_t{1} << exponent) - 1);
      nanos = whole * kNanosPerSecond + ((fraction * kNanosPerSecond) >> exponent);
    }
  } else if (exponent <= 9) {
    Wide scale = 1;
    for (int i = exponent; i < 9; ++i) scale *= 10;
    nanos = Wide{units} * scale;
  } else {
    Wide divisor = 1;
    for (int i = 9; i < exponent && divisor <= Wide{units}; ++i) divisor *= 10;
    nanos = Wide{units} / divisor;
  }
  constexpr Wide kMax = static_cast<Wide>(std::numeric_limits<int64_t>::max());
  if (nanos > kMax) return std::nullopt;
  auto result = static_cast<int64_t>(nanos);
  int64_t offset = interface.ts_offset_seconds;
  if (offset > std::numeric_limits<int64_t>::max() / kNanosPerSecond ||
      offset < std::numeric_limits<int64_t>::min() / kNanosPerSecond) {
    return std::nullopt;
  }
  int64_t offset_nanos = offset * kNanosPerSecond;
  if ((offset_nanos > 0 && result > std::numeric_limits<int64_t>::max() - offset_nanos)) {
    return std::nullopt;
  }
  return TimePoint{Duration(result + offset_nanos)};
}

Status ParseInterfaceOptions(Reader* options, bool little, Interface* interface) {
  OrderedReader r(options, little);
  while (!options->empty()) {
    size_t start = options->offset();
    uint16_t code = 0;
    uint16_t length = 0;
    if (!r.U16(&code) || !r.U16(&length)) {
      return options->Fail(ErrorCode::kTruncated, "interface option header needs 4 octets");
    }
    if (code == kOptionEnd) break;
    Reader value;
    if (!options->ReadSub(length, &value) || !options->Skip(Padded4(length) - length)) {
      return MakeError(ErrorCode::kTruncated,
                       "interface option " + std::to_string(code) + " of " +
                           std::to_string(length) + " octets runs past its block",
                       start + 2);
    }
    if (code == kOptionTsResol) {
      if (length != 1 || !value.ReadU8(&interface->ts_resolution)) {
        return MakeError(ErrorCode::kBadLength, "if_tsresol must be 1 octet", start + 2);
      }
    } else if (code == kOptionTsOffset) {
      OrderedReader v(&value, little);
      uint64_t offset = 0;
      if (length != 8 || !v.U64(&offset)) {
        return MakeError(ErrorCode::kBadLength, "if_tsoffset must be 8 octets", start + 2);
      }
      interface->ts_offset_seconds = static_cast<int64_t>(offset);
    }
  }
  return Status::Ok();
}

// Section Header Block body after the byte-order magic: Major (16), Minor (16), Section Length
// (64), options.
Status ParseSectionHeader(Reader* body, bool little) {
  OrderedReader r(body, little);
  uint16_t major = 0;
  uint16_t minor = 0;
  uint64_t section_length = 0;
  if (!r.U16(&major) || !r.U16(&minor) || !r.U64(&section_length)) {
    return body->Fail(ErrorCode::kTruncated, "section header block shorter than 28 octets");
  }
  if (major != 1) {
    return MakeError(ErrorCode::kUnsupported,
                     "pcapng major version " + std::to_string(major) + " (only 1 exists)",
                     body->offset() - 12);
  }
  return Status::Ok();
}

// Interface Description Block body: LinkType (16), Reserved (16), SnapLen (32), options.
Result<Interface> ParseInterfaceDescription(Reader* body, bool little) {
  OrderedReader r(body, little);
  Interface interface;
  uint16_t reserved = 0;
  if (!r.U16(&interface.link_type) || !r.U16(&reserved) || !r.U32(&interface.snap_length)) {
    return body->Fail(ErrorCode::kTruncated, "interface description block shorter than 20 octets");
  }
  IKEWOT_RETURN_IF_ERROR(ParseInterfaceOptions(body, little, &interface));
  return interface;
}

class PcapNgParser {
 public:
  explicit PcapNgParser(ByteView file) : file_(file), raw_(file) {}

  Result<CaptureFile> Parse() {
    capture_.format = FileFormat::kPcapNg;
    while (!raw_.empty()) IKEWOT_RETURN_IF_ERROR(NextBlock());
    return std::move(capture_);
  }

 private:
  size_t NextNumber() const { return capture_.frames.size() + 1; }

  Status NextBlock() {
    size_t start = raw_.offset();
    uint32_t type = 0;
    if (!raw_.ReadU32(&type)) return raw_.Fail(ErrorCode::kTruncated, "block type needs 4 octets");
    // The section header's type reads the same in both byte orders; others follow the section's.
    if (little_) type = Swap32(type);
    if (type == kPcapNgSectionHeader) {
      // A new section may change the byte order: read it from the byte-order magic.
      uint32_t magic = 0;
      if (raw_.remaining() < 8) {
        return raw_.Fail(ErrorCode::kTruncated, "section header block truncated");
      }
      ByteView peek = raw_.Rest().subspan(4, 4);
      magic = uint32_t{peek[0]} << 24 | uint32_t{peek[1]} << 16 | uint32_t{peek[2]} << 8 | peek[3];
      if (magic == kPcapNgByteOrderMagic) {
        little_ = false;
      } else if (magic == Swap32(kPcapNgByteOrderMagic)) {
        little_ = true;
      } else {
        return MakeError(ErrorCode::kBadValue, "section header byte-order magic is wrong",
                         start + 8);
      }
      interfaces_.clear();
      seen_section_ = true;
    } else if (!seen_section_) {
      return MakeError(ErrorCode::kBadValue, "pcapng file does not start with a section header",
                       start);
    }
    OrderedReader r(&raw_, little_);
    uint32_t total_length = 0;
    if (!r.U32(&total_length))
      return raw_.Fail(ErrorCode::kTruncated, "block length needs 4 octets");
    if (total_length < 12 || total_length % 4 != 0) {
      return MakeError(ErrorCode::kBadLength,
                       "block total length " + std::to_string(total_length) +
                           " is not a multiple of 4 of at least 12",
                       start + 4);
    }
    Reader body;
    uint32_t trailer = 0;
    if (!raw_.ReadSub(total_length - 12, &body) || !r.U32(&trailer)) {
      return MakeError(ErrorCode::kTruncated,
                       "block of " + std::to_string(total_length) + " octets runs past the file (" +
                           std::to_string(file_.size() - start) + " remain)",
                       start + 4);
    }
    if (trailer != total_length) {
      return MakeError(ErrorCode::kBadLength, "block's trailing total length disagrees",
                       raw_.offset() - 4);
    }
    switch (type) {
      case kPcapNgSectionHeader: {
        uint32_t magic = 0;
        (void)body.ReadU32(&magic);  // checked above
        return ParseSectionHeader(&body, little_);
      }
      case kBlockInterfaceDescription: {
        auto interface = ParseInterfaceDescription(&body, little_);
        if (!interface.ok()) return interface.error();
        interfaces_.push_back(*interface);
        return Status::Ok();
      }
      case kBlockEnhancedPacket:
        return EnhancedPacket(&body, start);
      case kBlockSimplePacket:
        return SimplePacket(&body, start);
      default:
        return Status::Ok();  // statistics, name resolution, custom, ...: not packets
    }
  }

  // EPB body: Interface ID (32), Timestamp high (32), low (32), Captured Packet Length (32),
  // Original Packet Length (32), Packet Data padded to 32 bits, options.
  Status EnhancedPacket(Reader* body, size_t start) {
    OrderedReader r(body, little_);
    uint32_t interface_id = 0;
    uint32_t high = 0;
    uint32_t low = 0;
    uint32_t captured = 0;
    uint32_t original = 0;
    std::string label = PacketLabel(NextNumber());
    if (!r.U32(&interface_id) || !r.U32(&high) || !r.U32(&low) || !r.U32(&captured) ||
        !r.U32(&original)) {
      return body->Fail(ErrorCode::kTruncated,
                        label + "enhanced packet block shorter than 32 octets");
    }
    if (interface_id >= interfaces_.size()) {
      return MakeError(ErrorCode::kBadValue,
                       label + "interface " + std::to_string(interface_id) + " was never described",
                       start + 8);
    }
    const Interface& interface = interfaces_[interface_id];
    Frame frame;
    if (!body->ReadBytes(captured, &frame.data) || !body->Skip(Padded4(captured) - captured)) {
      return MakeError(
          ErrorCode::kTruncated,
          label + "captured length " + std::to_string(captured) + " runs past its block",
          start + 20);
    }
    if (captured > original) {
      return MakeError(ErrorCode::kBadLength, label + "captured length exceeds the original length",
                       start + 20);
    }
    auto timestamp = ToTimePoint(uint64_t{high} << 32 | low, interface);
    if (!timestamp) {
      return MakeError(ErrorCode::kBadValue, label + "timestamp out of range", start + 12);
    }
    return AddFrame(std::move(frame), start, *timestamp, interface.link_type, original);
  }

  // SPB body: Original Packet Length (32), Packet Data padded to 32 bits; the captured length is
  // min(original length, SnapLen of interface 0).
  Status SimplePacket(Reader* body, size_t start) {
    OrderedReader r(body, little_);
    std::string label = PacketLabel(NextNumber());
    uint32_t original = 0;
    if (!r.U32(&original)) {
      return body->Fail(ErrorCode::kTruncated,
                        label + "simple packet block shorter than 16 octets");
    }
    if (interfaces_.empty()) {
      return MakeError(ErrorCode::kBadValue, label + "simple packet block before any interface",
                       start);
    }
    const Interface& interface = interfaces_[0];
    uint32_t captured = original;
    if (interface.snap_length != 0 && interface.snap_length < captured) {
      captured = interface.snap_length;
    }
    Frame frame;
    if (!body->ReadBytes(captured, &frame.data)) {
      return MakeError(
          ErrorCode::kTruncated,
          label + "simple packet of " + std::to_string(captured) + " octets runs past its block",
          start + 8);
    }
    // Only padding may follow.
    return AddFrame(std::move(frame), start, TimePoint{}, interface.link_type, original);
  }

  Status AddFrame(Frame frame, size_t start, TimePoint timestamp, uint16_t link_type,
                  uint32_t original) {
    frame.number = NextNumber();
    frame.file_offset = start;
    frame.timestamp = timestamp;
    frame.link_type = link_type;
    frame.original_length = original;
    capture_.frames.push_back(frame);
    return Status::Ok();
  }

  ByteView file_;
  Reader raw_;
  bool little_ = false;
  bool seen_section_ = false;
  std::vector<Interface> interfaces_;
  CaptureFile capture_;
};

}  // namespace

bool LooksLikeCapture(ByteView file) {
  if (file.size() < 4) return false;
  uint32_t magic =
      uint32_t{file[0]} << 24 | uint32_t{file[1]} << 16 | uint32_t{file[2]} << 8 | file[3];
  return magic == kPcapMagicMicro || magic == kPcapMagicNano || magic == Swap32(kPcapMagicMicro) ||
         magic == Swap32(kPcapMagicNano) || magic == kPcapNgSectionHeader;
}

Result<CaptureFile> ParseCaptureFile(ByteView file) {
  if (!LooksLikeCapture(file)) {
    return MakeError(ErrorCode::kBadValue, "not a pcap or pcapng file (unknown magic number)", 0);
  }
  if (file[0] == 0x0a && file[1] == 0x0d && file[2] == 0x0d && file[3] == 0x0a) {
    return PcapNgParser(file).Parse();
  }
  return ParsePcap(file);
}

}  // namespace ikewot::capture
