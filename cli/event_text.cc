#include "cli/event_text.h"

#include <cstdio>

#include "core/base/bytes.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identification.h"
#include "driver/address.h"

namespace ikewot::cli {
namespace {

std::string Spi(uint32_t spi) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x", spi);
  return buf;
}

// The prefix length when [start, end] is exactly one CIDR block, else -1.
int PrefixLength(const Bytes& start, const Bytes& end) {
  if (start.size() != end.size() || start.empty()) return -1;
  const int bits = static_cast<int>(start.size()) * 8;
  int length = bits;
  for (int i = bits - 1; i >= 0; --i) {
    const int byte = i / 8, bit = 7 - i % 8;
    const bool s = (start[byte] >> bit) & 1, e = (end[byte] >> bit) & 1;
    if (!s && e) {
      length = i;
    } else {
      break;
    }
  }
  for (int i = 0; i < length; ++i) {
    const int byte = i / 8, bit = 7 - i % 8;
    if (((start[byte] >> bit) & 1) != ((end[byte] >> bit) & 1)) return -1;
  }
  return length;
}

// "10.1.0.0/16", "192.0.2.1", "10.0.0.5-10.0.0.9", with "[proto/ports]" when narrowed.
std::string SelectorText(const engine::TrafficSelector& ts) {
  const int length = PrefixLength(ts.start_address, ts.end_address);
  std::string out;
  if (length == static_cast<int>(ts.start_address.size()) * 8) {
    out = driver::FormatIpAddress(ts.start_address);
  } else if (length >= 0) {
    out = driver::FormatIpAddress(ts.start_address) + "/" + std::to_string(length);
  } else {
    out = driver::FormatIpAddress(ts.start_address) + "-" + driver::FormatIpAddress(ts.end_address);
  }
  if (ts.ip_protocol != 0 || ts.start_port != 0 || ts.end_port != 65535) {
    out += "[" + std::to_string(ts.ip_protocol) + "/" + std::to_string(ts.start_port) +
           (ts.end_port != ts.start_port ? "-" + std::to_string(ts.end_port) : "") + "]";
  }
  return out;
}

Json Selectors(const std::vector<engine::TrafficSelector>& list) {
  Json out = Json::MakeArray();
  for (const auto& ts : list) out.Push(SelectorText(ts));
  return out;
}

std::string SelectorsText(const std::vector<engine::TrafficSelector>& list) {
  std::string out;
  for (const auto& ts : list) out += (out.empty() ? "" : ",") + SelectorText(ts);
  return out;
}

}  // namespace

std::string_view EventKindName(engine::EventKind kind) {
  switch (kind) {
    case engine::EventKind::kProbeCompleted:
      return "probe-completed";
    case engine::EventKind::kIkeSaEstablished:
      return "ike-sa-established";
    case engine::EventKind::kChildSaEstablished:
      return "child-sa-established";
    case engine::EventKind::kFailed:
      return "failed";
    case engine::EventKind::kDeleted:
      return "deleted";
  }
  return "unknown";
}

Json ChildSaJson(const engine::ChildSaInfo& child, bool show_keys) {
  Json out = Json::MakeObject();
  out.Set("spi_initiator", Spi(child.spi_initiator));
  out.Set("spi_responder", Spi(child.spi_responder));
  out.Set("esp", child.suite.ToString());
  out.Set("extended_sequence_numbers", child.suite.extended_sequence_numbers);
  out.Set("ts_initiator", Selectors(child.ts_initiator));
  out.Set("ts_responder", Selectors(child.ts_responder));
  out.Set("udp_encapsulation", child.udp_encapsulation);
  if (show_keys) {
    Json keys = Json::MakeObject();
    keys.Set("encr_i_to_r", ToHex(child.encr_key_i_to_r));
    keys.Set("integ_i_to_r", ToHex(child.integ_key_i_to_r));
    keys.Set("encr_r_to_i", ToHex(child.encr_key_r_to_i));
    keys.Set("integ_r_to_i", ToHex(child.integ_key_r_to_i));
    out.Set("keys", std::move(keys));
  }
  return out;
}

Json EventJson(const engine::Event& e, bool show_keys) {
  Json out = Json::MakeObject();
  out.Set("event", EventKindName(e.kind));
  out.Set("sa", static_cast<uint64_t>(e.sa));
  out.Set("role", e.initiator ? "initiator" : "responder");
  out.Set("peer", driver::FormatEndpoint(e.peer));
  if (!e.reason.empty()) out.Set("reason", e.reason);
  if (!e.peer_certificate_der.empty()) {
    if (auto cert = crypto::Certificate::FromDer(e.peer_certificate_der); cert.ok()) {
      out.Set("peer_sha256", crypto::FingerprintHex(*cert));
      out.Set("peer_subject", cert->Subject());
    }
  }
  if (!e.peer_identification.empty()) out.Set("peer_identification", e.peer_identification);
  if (e.kind == engine::EventKind::kChildSaEstablished) {
    out.Set("child", ChildSaJson(e.child, show_keys));
  }
  if (e.kind == engine::EventKind::kProbeCompleted) out.Set("probe", e.probe.ToJson());
  return out;
}

std::string EventLine(const engine::Event& e) {
  std::string line = std::string(EventKindName(e.kind)) + " sa " + std::to_string(e.sa) + " " +
                     (e.initiator ? "to " : "from ") + driver::FormatEndpoint(e.peer);
  if (e.kind == engine::EventKind::kChildSaEstablished) {
    line += ": ESP " + e.child.suite.ToString() + " SPIs " + Spi(e.child.spi_initiator) + "/" +
            Spi(e.child.spi_responder) + " " + SelectorsText(e.child.ts_initiator) + " <=> " +
            SelectorsText(e.child.ts_responder) +
            (e.child.udp_encapsulation ? " (ESP in UDP)" : "");
  } else if (e.kind == engine::EventKind::kIkeSaEstablished) {
    if (auto cert = crypto::Certificate::FromDer(e.peer_certificate_der); cert.ok()) {
      line += ": " + cert->Subject() + " [" + e.peer_identification + "]";
    }
  }
  if (!e.reason.empty()) line += ": " + e.reason;
  return line;
}

}  // namespace ikewot::cli
