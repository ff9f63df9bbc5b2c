#include "sim/run_writer.h"

#include <ctime>
#include <filesystem>
#include <sstream>

#include "core/base/bytes.h"
#include "sim/sim_address.h"

namespace ikewot::sim {

namespace {

bool BoolField(const SimEvent& e, const char* key) {
  const Json* v = e.fields.Find(key);
  return v != nullptr && v->boolean() != nullptr && *v->boolean();
}

int64_t IntField(const SimEvent& e, const char* key, int64_t fallback) {
  const Json* v = e.fields.Find(key);
  return v != nullptr && v->integer() != nullptr ? *v->integer() : fallback;
}

std::string StringField(const SimEvent& e, const char* key) {
  const Json* v = e.fields.Find(key);
  return v != nullptr && v->string() != nullptr ? *v->string() : std::string();
}

}  // namespace

std::string UtcNowText() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Result<std::unique_ptr<RunWriter>> RunWriter::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + dir + ": " + ec.message());
  std::unique_ptr<RunWriter> writer(new RunWriter(dir));
  // A finished earlier run in the same folder must not look finished now.
  std::filesystem::remove(dir + "/summary.json", ec);
  writer->events_.open(dir + "/events.jsonl", std::ios::out | std::ios::trunc);
  if (!writer->events_) return MakeError(ErrorCode::kIo, "cannot write " + dir + "/events.jsonl");
  return writer;
}

void RunWriter::Record(const SimEvent& event) {
  events_ << event.ToJsonLine() << '\n';
  ++counts_.events;
  const int64_t peer = IntField(event, "peer", -1);
  if (event.kind == "probe") {
    ++counts_.probes;
    counts_.probes_ok += BoolField(event, "ok");
    counts_.probes_nat += BoolField(event, "nat");
    counts_.probes_fallback += BoolField(event, "fallback");
  } else if (event.kind == "verify") {
    if (BoolField(event, "ok")) {
      ++counts_.verifications_done;
      verification_times_.push_back(event.t_ns);
      if (peer >= 0) NeedVerification(event.node, static_cast<uint32_t>(peer), event.t_ns);
    } else {
      ++counts_.verifications_failed;
    }
  } else if (event.kind == "connect") {
    ++counts_.connections_attempted;
    if (BoolField(event, "ok")) {
      ++counts_.connections_ok;
      const std::string how = StringField(event, "how");
      counts_.connections_via_collection += how == "collection";
      counts_.connections_verified += how == "verified";
      if (peer >= 0) {
        NeedVerification(event.node, static_cast<uint32_t>(peer), event.t_ns);
        NeedVerification(static_cast<uint32_t>(peer), event.node, event.t_ns);
      }
    }
  } else if (event.kind == "import") {
    (BoolField(event, "ok") ? counts_.imports_ok : counts_.imports_refused)++;
  } else if (event.kind == "conflict") {
    ++counts_.conflicts;
  } else if (event.kind == "share") {
    ++counts_.shares;
  } else if (event.kind == "esp") {
    counts_.esp_packets += static_cast<uint64_t>(IntField(event, "packets", 0));
  } else if ((event.kind == "trust" || event.kind == "untrust") && peer >= 0) {
    TrustChange change;
    change.t_ns = event.t_ns;
    change.node = event.node;
    change.peer = static_cast<uint32_t>(peer);
    change.added = event.kind == "trust";
    change.depth = static_cast<uint32_t>(IntField(event, "depth", 0));
    const Json* genuine = event.fields.Find("genuine");
    change.genuine = genuine == nullptr || genuine->boolean() == nullptr || *genuine->boolean();
    change.via = IntField(event, "via", -1);
    trust_changes_.push_back(change);
  }
}

void RunWriter::NeedVerification(uint32_t u, uint32_t v, int64_t t_ns) {
  if (u != v && needing_verification_.insert({u, v}).second) needed_times_.push_back(t_ns);
}

uint64_t RunWriter::VerificationsNeededWithoutSharing() const {
  return needing_verification_.size();
}

Status RunWriter::WriteFile(const std::string& name, const std::string& content) const {
  std::ofstream out(dir_ + "/" + name, std::ios::out | std::ios::trunc | std::ios::binary);
  out << content;
  out.close();
  if (!out) return MakeError(ErrorCode::kIo, "cannot write " + dir_ + "/" + name);
  return Status::Ok();
}

Status RunWriter::WriteRunJson(const std::string& scenario, uint64_t seed, uint64_t run,
                               const Json& parameters, double wall_seconds, double sim_seconds,
                               const std::string& started_utc) {
  Json j = Json::MakeObject();
  j.Set("format", "ikewot-run");
  j.Set("version", 1);
  j.Set("scenario", scenario);
  j.Set("seed", seed);
  j.Set("run", run);
  j.Set("parameters", parameters);
  j.Set("ikewot_version", "0.1.0");
  j.Set("ns3_version", "3.37");
  j.Set("started_utc", started_utc);
  j.Set("wall_seconds", wall_seconds);
  j.Set("sim_seconds", sim_seconds);
  return WriteFile("run.json", j.Dump(2) + "\n");
}

Status RunWriter::WriteNodes(const Directory& directory) {
  std::ostringstream csv;
  csv << "id,name,role,address,fingerprint,identification\n";
  for (const auto& [id, r] : directory.records()) {
    csv << id << ',' << r.name << ',' << r.role << ',' << FormatAddress(r.address) << ','
        << ToHex(r.fingerprint) << ',' << r.identification << '\n';
  }
  return WriteFile("nodes.csv", csv.str());
}

Status RunWriter::WriteSummary(const std::string& scenario, const Directory& directory,
                               uint64_t seed, Json scenario_figures) {
  const uint64_t n = directory.size();
  Json j = Json::MakeObject();
  j.Set("scenario", scenario);
  j.Set("nodes", n);
  j.Set("seed", seed);
  Json verifications = Json::MakeObject();
  verifications.Set("done", counts_.verifications_done);
  verifications.Set("failed", counts_.verifications_failed);
  verifications.Set("needed_without_sharing", VerificationsNeededWithoutSharing());
  verifications.Set("needed_everyone_checks_everyone", n * (n - (n > 0 ? 1 : 0)));
  j.Set("verifications", verifications);
  Json connections = Json::MakeObject();
  connections.Set("attempted", counts_.connections_attempted);
  connections.Set("ok", counts_.connections_ok);
  connections.Set("verified", counts_.connections_verified);
  connections.Set("via_collection", counts_.connections_via_collection);
  j.Set("connections", connections);
  // Final trust edges (u -> v), as the metrics define them.
  std::map<std::pair<uint32_t, uint32_t>, int> edges;
  for (const TrustChange& c : trust_changes_) {
    if (c.node == c.peer) continue;
    edges[{c.node, c.peer}] += c.added ? 1 : -1;
  }
  uint64_t trusting = 0;
  for (const auto& [pair, count] : edges) trusting += count > 0;
  j.Set("trusting_pairs", trusting);
  j.Set("reachable_pairs_fraction",
        n > 1 ? static_cast<double>(trusting) / static_cast<double>(n * (n - 1)) : 0.0);
  Json probes = Json::MakeObject();
  probes.Set("done", counts_.probes);
  probes.Set("ok", counts_.probes_ok);
  probes.Set("nat_detected", counts_.probes_nat);
  probes.Set("fallback", counts_.probes_fallback);
  j.Set("probes", probes);
  j.Set("imports", Json(Json::Object{{"ok", Json(counts_.imports_ok)},
                                     {"refused", Json(counts_.imports_refused)}}));
  j.Set("conflicts", counts_.conflicts);
  j.Set("handshakes", counts_.probes + counts_.connections_attempted);
  j.Set("events", counts_.events);
  if (scenario_figures.is_object()) {
    for (const auto& [key, value] : scenario_figures.object()) j.Set(key, value);
  }
  return WriteFile("summary.json", j.Dump(2) + "\n");
}

Status RunWriter::Finish() {
  events_.flush();
  if (!events_) return MakeError(ErrorCode::kIo, "cannot write " + dir_ + "/events.jsonl");
  return Status::Ok();
}

}  // namespace ikewot::sim
