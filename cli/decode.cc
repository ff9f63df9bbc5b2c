// ikewot decode: shows an IKE datagram (raw, hex text, or every IKE datagram of a pcap/pcapng
// capture) field by field, dispatching on the header's major version to the IKEv1 or IKEv2
// codec. See docs/cli-decode.md.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/capture/ike_datagrams.h"
#include "core/crypto/certificate_text.h"
#include "core/ikev1/message.h"
#include "core/ikev2/describe.h"
#include "core/ikev2/message.h"
#include "core/ikev2/validate.h"

namespace ikewot::cli {
namespace {

constexpr char kUsage[] =
    "usage: ikewot decode [--pcap] [--hex] [--json] [--port N]... FILE|-\n"
    "\n"
    "Decodes IKE messages field by field: IKEv1 (ISAKMP, RFC 2408/2409) or IKEv2 (RFC 7296),\n"
    "chosen by the header's major version, followed by the semantic checks' verdict.\n"
    "\n"
    "FILE (or - for standard input) holds one of:\n"
    "  a raw IKE datagram (the UDP payload; a leading 4-octet non-ESP marker is stripped),\n"
    "  hex text of one (--hex, or detected when the file is only hex digits and white space),\n"
    "  a pcap or pcapng capture (--pcap, or detected by its magic number): every IKE datagram\n"
    "  on UDP port 500, or on 4500 after the non-ESP marker; IP fragments are reassembled.\n"
    "\n"
    "  --json     print one JSON document (for a capture: an array of packets)\n"
    "  --port N   also treat UDP port N as carrying IKE in a capture (repeatable)\n"
    "\n"
    "Exit status: 0 every message decoded, 1 malformed input (offset and reason on stderr;\n"
    "for a capture also the packet number), 2 usage error.\n";

constexpr size_t kNonEspMarkerSize = 4;

void UsageError(const std::string& message) {
  std::fprintf(stderr, "ikewot decode: %s\n\n%s", message.c_str(), kUsage);
}

bool ReadInput(const std::string& path, Bytes* out, std::string* error) {
  FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  uint8_t buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    out->insert(out->end(), buffer, buffer + n);
  }
  bool failed = std::ferror(file) != 0;
  if (file != stdin) std::fclose(file);
  if (failed) *error = "cannot read " + path;
  return !failed;
}

bool IsHexText(ByteView data) {
  bool any_digit = false;
  for (uint8_t c : data) {
    bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (!digit && !space) return false;
    any_digit = any_digit || digit;
  }
  return any_digit;
}

// The outcome of decoding one IKE message: text or JSON, or where and why it failed.
struct Decoded {
  bool ok = false;
  int ike_version = 0;
  std::string text;
  Json json;
  Error error;
};

Json ValidationJson(const Status& status) {
  Json out = Json::MakeObject();
  out.Set("ok", status.ok());
  if (!status.ok()) {
    out.Set("code", std::string(ErrorCodeName(status.code())));
    out.Set("message", status.error().message);
    out.Set("offset", static_cast<uint64_t>(status.error().offset));
  }
  return out;
}

std::string ValidationText(const Status& status) {
  if (status.ok()) return "semantic check: ok\n";
  return "semantic check: FAILED at offset " + std::to_string(status.error().offset) + ": " +
         status.error().ToString() + "\n";
}

Json ErrorJson(const Error& error) {
  Json out = Json::MakeObject();
  out.Set("code", std::string(ErrorCodeName(error.code)));
  out.Set("message", error.message);
  out.Set("offset", static_cast<uint64_t>(error.offset));
  return out;
}

// Dispatches on the major version nibble at offset 17 (RFC 2408 §3.1, RFC 7296 §3.1).
Decoded DecodeMessage(ByteView message) {
  Decoded d;
  int major = message.size() > 17 ? message[17] >> 4 : ikev1::kMajorVersion;
  if (major == 2) {
    d.ike_version = 2;
    auto parsed = ikev2::ParseMessage(message);
    if (!parsed.ok()) {
      d.error = parsed.error();
      return d;
    }
    Status valid = ikev2::ValidateMessage(*parsed);
    d.text = ikev2::FormatMessage(*parsed) + ValidationText(valid);
    d.json = Json::MakeObject();
    d.json.Set("ike_version", 2);
    d.json.Set("message", ikev2::DescribeMessage(*parsed));
    d.json.Set("validation", ValidationJson(valid));
  } else if (major == 1) {
    d.ike_version = 1;
    auto parsed = ikev1::ParseMessage(message);
    if (!parsed.ok()) {
      d.error = parsed.error();
      return d;
    }
    Status valid = ikev1::ValidateMessage(*parsed);
    d.text = ikev1::FormatMessage(*parsed) + ValidationText(valid);
    d.json = Json::MakeObject();
    d.json.Set("ike_version", 1);
    d.json.Set("message", ikev1::DescribeMessage(*parsed));
    d.json.Set("validation", ValidationJson(valid));
  } else {
    d.error =
        MakeError(ErrorCode::kUnsupported,
                  "major version " + std::to_string(major) + " is neither IKEv1 nor IKEv2", 17);
    return d;
  }
  d.ok = true;
  return d;
}

std::string VersionLabel(int ike_version) {
  return ike_version == 2 ? "IKEv2" : ike_version == 1 ? "IKEv1" : "IKE";
}

// "2023-11-14T22:13:20.123456Z": microseconds unless the capture had finer resolution.
std::string TimeText(TimePoint t) {
  int64_t nanos = t.since_epoch.count();
  int64_t seconds = nanos / 1'000'000'000;
  int64_t fraction = nanos % 1'000'000'000;
  if (fraction < 0) {
    fraction += 1'000'000'000;
    --seconds;
  }
  std::string text = crypto::FormatUnixTimeUtc(seconds);
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  char digits[16];
  if (fraction % 1000 == 0) {
    std::snprintf(digits, sizeof(digits), ".%06lld", static_cast<long long>(fraction / 1000));
  } else {
    std::snprintf(digits, sizeof(digits), ".%09lld", static_cast<long long>(fraction));
  }
  return text + digits + "Z";
}

std::string Endpoint(const capture::IpAddress& address, uint16_t port) {
  std::string text = address.ToString();
  if (address.version == 6) text = "[" + text + "]";
  return text + ":" + std::to_string(port);
}

std::string Indent(const std::string& text, int spaces) {
  std::string out;
  bool at_line_start = true;
  for (char c : text) {
    if (at_line_start) out.append(static_cast<size_t>(spaces), ' ');
    out.push_back(c);
    at_line_start = c == '\n';
  }
  return out;
}

int DecodeCapture(ByteView data, const std::string& path, const std::vector<uint16_t>& ports,
                  bool json) {
  capture::ExtractOptions options;
  for (uint16_t port : ports) options.ike_ports.push_back(port);
  auto extracted = capture::ExtractIkeDatagrams(data, options);
  if (!extracted.ok()) {
    std::fprintf(stderr, "ikewot decode: %s: malformed capture at offset %zu: %s\n", path.c_str(),
                 extracted.error().offset, extracted.error().ToString().c_str());
    return kExitFailure;
  }
  bool all_ok = true;
  Json packets = Json::MakeArray();
  std::string text;
  for (const capture::IkeDatagram& d : extracted->datagrams) {
    Decoded decoded = DecodeMessage(d.message);
    std::string where = "packet " + std::to_string(d.packet_number);
    if (!decoded.ok) {
      all_ok = false;
      std::fprintf(stderr, "ikewot decode: %s: malformed %s message at offset %zu%s: %s\n",
                   where.c_str(), VersionLabel(decoded.ike_version).c_str(), decoded.error.offset,
                   d.truncated ? " (cut short by the capture)" : "",
                   decoded.error.ToString().c_str());
    }
    if (json) {
      Json packet = Json::MakeObject();
      packet.Set("packet", static_cast<uint64_t>(d.packet_number));
      packet.Set("time", TimeText(d.timestamp));
      packet.Set("time_unix_ns", static_cast<int64_t>(d.timestamp.since_epoch.count()));
      packet.Set("source", d.source.ToString());
      packet.Set("source_port", d.source_port);
      packet.Set("destination", d.destination.ToString());
      packet.Set("destination_port", d.destination_port);
      packet.Set("non_esp_marker", d.non_esp_marker);
      Json fragments = Json::MakeArray();
      for (size_t n : d.fragment_packets) fragments.Push(static_cast<uint64_t>(n));
      packet.Set("ip_fragment_packets", std::move(fragments));
      packet.Set("truncated", d.truncated);
      packet.Set("length", static_cast<uint64_t>(d.message.size()));
      if (decoded.ok) {
        for (const auto& [key, value] : decoded.json.object()) packet.Set(key, value);
      } else {
        packet.Set("ike_version", decoded.ike_version);
        packet.Set("error", ErrorJson(decoded.error));
      }
      packets.Push(std::move(packet));
      continue;
    }
    text += where + "  " + TimeText(d.timestamp) + "  " + Endpoint(d.source, d.source_port) +
            " -> " + Endpoint(d.destination, d.destination_port) + "  " +
            std::to_string(d.message.size()) + " octets";
    if (d.non_esp_marker) text += ", after the non-ESP marker";
    if (!d.fragment_packets.empty()) {
      text += ", reassembled from IP fragments in packets";
      for (size_t n : d.fragment_packets) text += " " + std::to_string(n);
    }
    if (d.truncated) text += ", CUT SHORT by the capture";
    text += "\n";
    text += decoded.ok
                ? Indent(decoded.text, 2)
                : "  malformed " + VersionLabel(decoded.ike_version) + " message at offset " +
                      std::to_string(decoded.error.offset) + ": " + decoded.error.ToString() + "\n";
    text += "\n";
  }
  for (const capture::CaptureNote& note : extracted->notes) {
    std::fprintf(stderr, "ikewot decode: note: packet %zu: %s\n", note.packet_number,
                 note.message.c_str());
  }
  const capture::CaptureCounters& c = extracted->counters;
  if (json) {
    std::printf("%s\n", packets.Dump(2).c_str());
  } else {
    std::printf(
        "%s%zu IKE datagram(s) in %zu packet(s); %zu ESP-in-UDP, %zu NAT-keepalive, "
        "%zu reassembled from IP fragments, %zu other, %zu malformed\n",
        text.c_str(), c.ike_datagrams, c.frames, c.esp_in_udp, c.nat_keepalives, c.reassembled,
        c.other_udp + c.not_udp + c.not_ip, c.malformed);
  }
  return all_ok ? kExitOk : kExitFailure;
}

int DecodeDatagram(ByteView data, bool json) {
  bool marker = data.size() > kNonEspMarkerSize && data[0] == 0 && data[1] == 0 && data[2] == 0 &&
                data[3] == 0;
  ByteView message = marker ? data.subspan(kNonEspMarkerSize) : data;
  Decoded decoded = DecodeMessage(message);
  if (!decoded.ok) {
    std::string where = marker ? " (after the 4-octet non-ESP marker)" : "";
    std::fprintf(stderr, "ikewot decode: malformed %s message at offset %zu%s: %s\n",
                 VersionLabel(decoded.ike_version).c_str(), decoded.error.offset, where.c_str(),
                 decoded.error.ToString().c_str());
    if (json) {
      Json out = Json::MakeObject();
      out.Set("ike_version", decoded.ike_version);
      out.Set("non_esp_marker", marker);
      out.Set("error", ErrorJson(decoded.error));
      std::printf("%s\n", out.Dump(2).c_str());
    }
    return kExitFailure;
  }
  if (json) {
    Json out = Json::MakeObject();
    out.Set("non_esp_marker", marker);
    for (const auto& [key, value] : decoded.json.object()) out.Set(key, value);
    std::printf("%s\n", out.Dump(2).c_str());
  } else {
    if (marker) std::printf("non-ESP marker (4 octets) stripped\n");
    std::printf("%s", decoded.text.c_str());
  }
  return kExitOk;
}

}  // namespace

int RunDecode(const std::vector<std::string>& argv) {
  std::string error;
  auto args = Args::Parse(argv, {"port"}, {"pcap", "hex", "json", "help"}, &error);
  if (!args) {
    UsageError(error);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (args->positionals().size() != 1) {
    UsageError(args->positionals().empty() ? "FILE is missing" : "exactly one FILE, please");
    return kExitUsage;
  }
  if (args->Has("pcap") && args->Has("hex")) {
    UsageError("--pcap and --hex exclude each other");
    return kExitUsage;
  }
  std::vector<uint16_t> ports;
  for (const std::string& value : args->Values("port")) {
    char* end = nullptr;
    errno = 0;
    unsigned long port = std::strtoul(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0 || port == 0 || port > 65535) {
      UsageError("--port needs a number from 1 to 65535, got '" + value + "'");
      return kExitUsage;
    }
    ports.push_back(static_cast<uint16_t>(port));
  }
  const std::string& path = args->positionals()[0];
  Bytes data;
  if (!ReadInput(path, &data, &error)) {
    std::fprintf(stderr, "ikewot decode: %s\n", error.c_str());
    return kExitFailure;
  }
  bool json = args->Has("json");
  if (args->Has("pcap") || (!args->Has("hex") && capture::LooksLikeCapture(data))) {
    if (!capture::LooksLikeCapture(data)) {
      std::fprintf(stderr, "ikewot decode: %s: not a pcap or pcapng file (unknown magic number)\n",
                   path.c_str());
      return kExitFailure;
    }
    return DecodeCapture(data, path, ports, json);
  }
  if (args->Has("hex") || IsHexText(data)) {
    auto bytes = FromHex(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (!bytes.ok()) {
      std::fprintf(stderr, "ikewot decode: %s: bad hex text at character %zu: %s\n", path.c_str(),
                   bytes.error().offset, bytes.error().ToString().c_str());
      return kExitFailure;
    }
    data = std::move(bytes).value();
  }
  if (data.empty()) {
    std::fprintf(stderr, "ikewot decode: %s is empty\n", path.c_str());
    return kExitFailure;
  }
  return DecodeDatagram(data, json);
}

}  // namespace ikewot::cli
