// Capture containers: hand-built pcap (both byte orders, micro/nano) and pcapng (both byte
// orders, if_tsresol, EPB, SPB, skipped blocks, several sections) files, truncation loops, and
// the real captures stored with the strongSwan and ike-scan vectors.
#include "core/capture/capture_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/capture/ike_datagrams.h"

namespace ikewot::capture {
namespace {

namespace fs = std::filesystem;

// Appends integers in a chosen byte order (pcap files are written in the capturing host's).
class OrderedWriter {
 public:
  OrderedWriter(Bytes* out, bool little) : out_(out), little_(little) {}
  void U8(uint8_t v) { out_->push_back(v); }
  void U16(uint16_t v) { Put(v, 2); }
  void U32(uint32_t v) { Put(v, 4); }
  void Append(ByteView v) { out_->insert(out_->end(), v.begin(), v.end()); }
  void Pad4() {
    while (out_->size() % 4 != 0) out_->push_back(0);
  }
  size_t size() const { return out_->size(); }
  // Overwrites a 32-bit field written earlier (pcapng block lengths are known at the end).
  void Patch32(size_t pos, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      int shift = little_ ? 8 * i : 8 * (3 - i);
      (*out_)[pos + i] = static_cast<uint8_t>(v >> shift);
    }
  }

 private:
  void Put(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
      int shift = little_ ? 8 * i : 8 * (width - 1 - i);
      out_->push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  Bytes* out_;
  bool little_;
};

struct TestPacket {
  uint32_t seconds;
  uint32_t fraction;
  Bytes data;
  uint32_t original_length;
};

Bytes BuildPcap(bool little, bool nano, uint32_t link_type,
                const std::vector<TestPacket>& packets) {
  Bytes out;
  OrderedWriter w(&out, little);
  w.U32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
  w.U16(2);
  w.U16(4);
  w.U32(0);
  w.U32(0);
  w.U32(65535);
  w.U32(link_type);
  for (const TestPacket& p : packets) {
    w.U32(p.seconds);
    w.U32(p.fraction);
    w.U32(static_cast<uint32_t>(p.data.size()));
    w.U32(p.original_length);
    w.Append(p.data);
  }
  return out;
}

class PcapNgBuilder {
 public:
  explicit PcapNgBuilder(bool little) : w_(&out_, little) {}

  void Section() {
    size_t start = Begin(0x0a0d0d0a);
    w_.U32(0x1a2b3c4d);
    w_.U16(1);
    w_.U16(0);
    w_.U32(0xffffffff);  // section length -1: not given
    w_.U32(0xffffffff);
    End(start);
  }
  void Interface(uint16_t link_type, uint32_t snap_length, int ts_resolution = -1) {
    size_t start = Begin(1);
    w_.U16(link_type);
    w_.U16(0);
    w_.U32(snap_length);
    if (ts_resolution >= 0) {
      w_.U16(9);  // if_tsresol
      w_.U16(1);
      w_.U8(static_cast<uint8_t>(ts_resolution));
      w_.Pad4();
      w_.U16(0);  // opt_endofopt
      w_.U16(0);
    }
    End(start);
  }
  void Enhanced(uint32_t interface, uint64_t timestamp, const Bytes& data, uint32_t original) {
    size_t start = Begin(6);
    w_.U32(interface);
    w_.U32(static_cast<uint32_t>(timestamp >> 32));
    w_.U32(static_cast<uint32_t>(timestamp));
    w_.U32(static_cast<uint32_t>(data.size()));
    w_.U32(original);
    w_.Append(data);
    w_.Pad4();
    End(start);
  }
  void Simple(const Bytes& data) {
    size_t start = Begin(3);
    w_.U32(static_cast<uint32_t>(data.size()));
    w_.Append(data);
    w_.Pad4();
    End(start);
  }
  void Other(uint32_t type, const Bytes& body) {
    size_t start = Begin(type);
    w_.Append(body);
    w_.Pad4();
    End(start);
  }
  const Bytes& bytes() const { return out_; }

 private:
  size_t Begin(uint32_t type) {
    size_t start = w_.size();
    w_.U32(type);
    w_.U32(0);  // total length, patched in End
    return start;
  }
  void End(size_t start) {
    w_.U32(0);
    auto total = static_cast<uint32_t>(w_.size() - start);
    w_.Patch32(start + 4, total);
    w_.Patch32(w_.size() - 4, total);
  }
  Bytes out_;
  OrderedWriter w_;
};

Bytes Payload(size_t n, uint8_t seed) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i);
  return out;
}

int64_t Nanos(TimePoint t) { return t.since_epoch.count(); }

TEST(CaptureFileTest, PcapInBothByteOrdersWithMicroAndNanoTimestamps) {
  std::vector<TestPacket> packets = {{1700000000, 123456, Payload(60, 1), 60},
                                     {1700000001, 999999, Payload(30, 2), 1500}};
  for (bool little : {false, true}) {
    for (bool nano : {false, true}) {
      SCOPED_TRACE(std::string(little ? "little" : "big") + (nano ? " nano" : " micro"));
      Bytes file = BuildPcap(little, nano, kLinkTypeEthernet, packets);
      ASSERT_TRUE(LooksLikeCapture(file));
      auto parsed = ParseCaptureFile(file);
      ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
      EXPECT_EQ(parsed->format, FileFormat::kPcap);
      ASSERT_EQ(parsed->frames.size(), 2u);
      const Frame& f = parsed->frames[1];
      EXPECT_EQ(f.number, 2u);
      EXPECT_EQ(f.link_type, kLinkTypeEthernet);
      EXPECT_EQ(f.original_length, 1500u);
      EXPECT_EQ(ToHex(f.data), ToHex(packets[1].data));
      EXPECT_EQ(f.file_offset, 24u + 16 + 60);
      EXPECT_EQ(Nanos(f.timestamp), 1700000001LL * 1000000000 + (nano ? 999999 : 999999000));
    }
  }
}

TEST(CaptureFileTest, PcapNgBlocksResolutionsAndSections) {
  for (bool little : {false, true}) {
    SCOPED_TRACE(little ? "little" : "big");
    PcapNgBuilder b(little);
    b.Section();
    b.Interface(kLinkTypeEthernet, 0);  // default 10^-6
    b.Interface(kLinkTypeRaw, 0, 9);    // nanoseconds
    b.Other(4, Payload(12, 0));         // name resolution block: skipped
    b.Enhanced(0, 1700000000123456ULL, Payload(41, 3), 41);
    b.Enhanced(1, 1700000000123456789ULL, Payload(20, 4), 64);
    b.Other(0x00000bad, Payload(7, 0));              // custom block: skipped
    b.Simple(Payload(33, 5));                        // interface 0
    b.Section();                                     // new section: interfaces reset
    b.Interface(kLinkTypeLinuxSll2, 16, 0x80 | 20);  // 2^-20 s units, snap length 16
    b.Enhanced(0, (uint64_t{5} << 20) | (1 << 19), Payload(16, 6), 99);
    b.Simple(Payload(40, 7));  // cut to the 16-octet snap length
    auto parsed = ParseCaptureFile(b.bytes());
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString() << " at " << parsed.error().offset;
    EXPECT_EQ(parsed->format, FileFormat::kPcapNg);
    ASSERT_EQ(parsed->frames.size(), 5u);
    const auto& f = parsed->frames;
    EXPECT_EQ(Nanos(f[0].timestamp), 1700000000123456000LL);
    EXPECT_EQ(f[0].link_type, kLinkTypeEthernet);
    EXPECT_EQ(f[0].data.size(), 41u);
    EXPECT_EQ(Nanos(f[1].timestamp), 1700000000123456789LL);
    EXPECT_EQ(f[1].link_type, kLinkTypeRaw);
    EXPECT_EQ(f[1].original_length, 64u);
    EXPECT_EQ(ToHex(f[2].data), ToHex(Payload(33, 5)));
    EXPECT_EQ(f[2].number, 3u);
    EXPECT_EQ(Nanos(f[3].timestamp), 5500000000LL);
    EXPECT_EQ(f[3].link_type, kLinkTypeLinuxSll2);
    EXPECT_EQ(f[4].data.size(), 16u);
    EXPECT_EQ(f[4].original_length, 40u);
  }
}

TEST(CaptureFileTest, MalformedContainersNameThePacketAndOffset) {
  EXPECT_EQ(ParseCaptureFile(Payload(40, 0)).code(), ErrorCode::kBadValue);
  Bytes pcap = BuildPcap(false, false, 1, {{1, 2, Payload(10, 0), 10}, {1, 2, Payload(10, 0), 10}});
  pcap[24 + 26 + 11] = 200;  // second record's captured length: 200
  auto r = ParseCaptureFile(pcap);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, 24u + 26 + 8);
  EXPECT_NE(r.error().message.find("packet 2"), std::string::npos) << r.error().message;

  Bytes bigger = BuildPcap(false, false, 1, {{1, 2, Payload(10, 0), 5}});
  EXPECT_EQ(ParseCaptureFile(bigger).code(), ErrorCode::kBadLength);

  PcapNgBuilder b(false);
  b.Section();
  b.Enhanced(3, 0, Payload(8, 0), 8);  // no interface 3
  r = ParseCaptureFile(b.bytes());
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_NE(r.error().message.find("packet 1"), std::string::npos);

  PcapNgBuilder c(true);
  c.Section();
  c.Interface(1, 0);
  c.Enhanced(0, 0, Payload(8, 0), 8);
  Bytes ng = c.bytes();
  ng[ng.size() - 4] ^= 4;  // trailing block length disagrees
  EXPECT_EQ(ParseCaptureFile(ng).code(), ErrorCode::kBadLength);
  ng = c.bytes();
  ng.push_back(0);
  EXPECT_EQ(ParseCaptureFile(ng).code(), ErrorCode::kTruncated);
}

// A prefix either fails cleanly or, when it ends exactly between records, is a shorter valid
// file holding the records that are complete.
void ExpectPrefixesFailOrShorten(const Bytes& file, size_t full_frames) {
  for (size_t n = 0; n < file.size(); ++n) {
    auto r = ParseCaptureFile(ByteView(file).first(n));
    if (r.ok()) {
      EXPECT_LT(r->frames.size(), full_frames) << n;
      for (const Frame& f : r->frames) {
        EXPECT_LE(static_cast<size_t>(f.data.data() + f.data.size() - file.data()), n);
      }
    } else {
      EXPECT_LE(r.error().offset, n) << n << ": " << r.error().ToString();
    }
  }
}

TEST(CaptureFileTest, TruncationLoops) {
  ExpectPrefixesFailOrShorten(
      BuildPcap(true, true, 1, {{1, 2, Payload(30, 0), 30}, {3, 4, Payload(17, 1), 17}}), 2);
  PcapNgBuilder b(true);
  b.Section();
  b.Interface(1, 0, 9);
  b.Enhanced(0, 77, Payload(30, 0), 30);
  b.Other(5, Payload(16, 0));
  b.Simple(Payload(13, 1));
  ExpectPrefixesFailOrShorten(b.bytes(), 2);
}

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(CaptureFileTest, IkeScanCapturesInThreeFormatsYieldTheSameDatagrams) {
  fs::path dir = fs::path(IKEWOT_TEST_DATA_DIR) / "ike-scan";
  const char* bins[] = {"mm1-default.bin", "mm1-vids.bin", "am1-psk.bin", "mm1-natt.bin"};
  for (const char* name : {"ikescan.pcapng", "ikescan.pcap", "ikescan-nsec.pcap"}) {
    SCOPED_TRACE(name);
    Bytes file = ReadFile(dir / name);
    auto extracted = ExtractIkeDatagrams(file);
    ASSERT_TRUE(extracted.ok()) << extracted.error().ToString();
    ASSERT_EQ(extracted->datagrams.size(), 4u);
    EXPECT_TRUE(extracted->notes.empty());
    for (size_t i = 0; i < 4; ++i) {
      const IkeDatagram& d = extracted->datagrams[i];
      EXPECT_EQ(ToHex(d.message), ToHex(ReadFile(dir / bins[i]))) << bins[i];
      EXPECT_EQ(d.packet_number, i + 1);
      EXPECT_EQ(d.source.ToString(), "127.0.0.1");
      EXPECT_EQ(d.non_esp_marker, i == 3);
      EXPECT_EQ(d.destination_port, i == 3 ? 4500 : 500);
    }
    // The three files carry the same instants, at their own precisions.
    EXPECT_EQ(extracted->datagrams[0].timestamp.since_epoch.count() / 1000,
              ExtractIkeDatagrams(ReadFile(dir / "ikescan.pcap"))
                      ->datagrams[0]
                      .timestamp.since_epoch.count() /
                  1000);
  }
}

// datagrams.json beside each strongSwan capture lists {file, frame, src, dst} per IKE datagram.
struct ListedDatagram {
  std::string file;
  size_t frame;
  std::string source;
  std::string destination;
};

// The value after `"key":` at or after `*pos` (a string without its quotes, or a number);
// advances `*pos` past it. Enough JSON for the listing's flat objects.
std::string NextValue(const std::string& text, const std::string& key, size_t* pos) {
  size_t at = text.find("\"" + key + "\":", *pos);
  if (at == std::string::npos) {
    *pos = std::string::npos;
    return "";
  }
  size_t start = text.find_first_not_of(" ", at + key.size() + 3);
  bool quoted = text[start] == '"';
  if (quoted) ++start;
  size_t end = quoted ? text.find('"', start) : text.find_first_of(",\n}", start);
  *pos = end;
  return text.substr(start, end - start);
}

std::vector<ListedDatagram> ReadListing(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<ListedDatagram> out;
  size_t pos = 0;
  while (true) {
    ListedDatagram d;
    d.file = NextValue(text, "file", &pos);
    if (pos == std::string::npos) break;
    d.frame = std::stoul(NextValue(text, "frame", &pos));
    d.source = NextValue(text, "src", &pos);
    d.destination = NextValue(text, "dst", &pos);
    if (pos == std::string::npos) break;
    out.push_back(d);
  }
  return out;
}

TEST(CaptureFileTest, StrongSwanCapturesMatchTheirListedDatagrams) {
  fs::path root = fs::path(IKEWOT_TEST_DATA_DIR) / "strongswan";
  if (!fs::exists(root)) {
    GTEST_SKIP() << "no strongSwan captures";
  }
  size_t checked = 0;
  size_t reassembled = 0;
  size_t with_marker = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!fs::exists(dir.path() / "capture.pcap")) continue;
    SCOPED_TRACE(dir.path().filename().string());
    std::vector<ListedDatagram> listed = ReadListing(dir.path() / "datagrams.json");
    auto extracted = ExtractIkeDatagrams(ReadFile(dir.path() / "capture.pcap"));
    ASSERT_TRUE(extracted.ok()) << extracted.error().ToString();
    ASSERT_EQ(extracted->datagrams.size(), listed.size());
    for (size_t i = 0; i < listed.size(); ++i) {
      const IkeDatagram& d = extracted->datagrams[i];
      EXPECT_EQ(d.packet_number, listed[i].frame);
      EXPECT_EQ(d.source.ToString() + ":" + std::to_string(d.source_port), listed[i].source);
      EXPECT_EQ(d.destination.ToString() + ":" + std::to_string(d.destination_port),
                listed[i].destination);
      EXPECT_EQ(ToHex(d.message), ToHex(ReadFile(dir.path() / listed[i].file))) << listed[i].file;
      EXPECT_FALSE(d.truncated);
      if (!d.fragment_packets.empty()) ++reassembled;
      if (d.non_esp_marker) ++with_marker;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
  // That exchange's IKE_AUTH request left strongSwan as two IPv4 fragments.
  if (fs::exists(root / "ikev2-rsa-modp2048-aescbc")) {
    EXPECT_GT(reassembled, 0u);
  }
  RecordProperty("datagrams", static_cast<int>(checked));
  RecordProperty("reassembled", static_cast<int>(reassembled));
  RecordProperty("nat_t", static_cast<int>(with_marker));
}

}  // namespace
}  // namespace ikewot::capture
