#include "sim/ikewot_application.h"

#include <ns3/boolean.h>
#include <ns3/inet-socket-address.h>
#include <ns3/inet6-socket-address.h>
#include <ns3/ipv4.h>
#include <ns3/ipv6.h>
#include <ns3/log.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/trace-source-accessor.h>
#include <ns3/udp-socket-factory.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "core/crypto/identification.h"
#include "core/crypto/transforms.h"
#include "core/esp/udp_encapsulation.h"
#include "core/trust/collection.h"
#include "sim/sim_address.h"

namespace ikewot::sim {

NS_LOG_COMPONENT_DEFINE("IkewotApplication");
NS_OBJECT_ENSURE_REGISTERED(IkewotApplication);

namespace {

using engine::CertificateDecision;
using engine::Mode;

engine::IkeProposalSpec GcmX25519() {
  return {{{crypto::kEncrAesGcm16, 256}}, {crypto::kPrfHmacSha2_256}, {}, {crypto::kDhCurve25519}};
}

// A first IKE_SA_INIT that needs IP fragmentation on small-MTU paths: a MODP-4096 KE (512
// octets) besides X25519.
engine::IkeProposalSpec GcmModp4096AndX25519() {
  return {{{crypto::kEncrAesGcm16, 256}},
          {crypto::kPrfHmacSha2_256},
          {},
          {crypto::kDhModp4096, crypto::kDhCurve25519}};
}

int64_t Milliseconds(ns3::Time t) { return t.GetNanoSeconds() / 1000000; }

}  // namespace

ns3::TypeId IkewotApplication::GetTypeId() {
  static ns3::TypeId tid =
      ns3::TypeId("ikewot::sim::IkewotApplication")
          .SetParent<ns3::Application>()
          .SetGroupName("Ikewot")
          .AddConstructor<IkewotApplication>()
          .AddAttribute("NodeId", "The node's id in nodes.csv and every event.",
                        ns3::UintegerValue(0),
                        ns3::MakeUintegerAccessor(&IkewotApplication::node_id_),
                        ns3::MakeUintegerChecker<uint32_t>())
          .AddAttribute("Name", "The person's name: the certificate's common name.",
                        ns3::StringValue(""), ns3::MakeStringAccessor(&IkewotApplication::name_),
                        ns3::MakeStringChecker())
          .AddAttribute("KeyType",
                        "ed25519 or ecdsa-p256 (reproducible from the seed); sharing a "
                        "collection needs ECDSA (CMS in OpenSSL 3.0 cannot sign with Ed25519).",
                        ns3::StringValue("ed25519"),
                        ns3::MakeStringAccessor(&IkewotApplication::key_type_),
                        ns3::MakeStringChecker())
          .AddAttribute("StartUnixSeconds",
                        "Unix time of simulation time 0 (certificate validity is judged on it).",
                        ns3::UintegerValue(1767225600),
                        ns3::MakeUintegerAccessor(&IkewotApplication::start_unix_seconds_),
                        ns3::MakeUintegerChecker<uint64_t>())
          .AddAttribute("AnswerProbes", "Answer AUTH-less probes with IDr, CERT and AUTH.",
                        ns3::BooleanValue(true),
                        ns3::MakeBooleanAccessor(&IkewotApplication::answer_probes_),
                        ns3::MakeBooleanChecker())
          .AddAttribute("ProbeWithAuth", "Send our own AUTH (and certificate) in probes.",
                        ns3::BooleanValue(false),
                        ns3::MakeBooleanAccessor(&IkewotApplication::probe_with_auth_),
                        ns3::MakeBooleanChecker())
          .AddAttribute("AcceptUnverified",
                        "Connect to (and accept connections from) peers nobody vouches for "
                        "(opportunistic); otherwise such connections are refused.",
                        ns3::BooleanValue(false),
                        ns3::MakeBooleanAccessor(&IkewotApplication::accept_unverified_),
                        ns3::MakeBooleanChecker())
          .AddAttribute("MinimumStrength", "Minimum suite strength in bits, also for fallback.",
                        ns3::UintegerValue(128),
                        ns3::MakeUintegerAccessor(&IkewotApplication::minimum_strength_),
                        ns3::MakeUintegerChecker<uint32_t>(0, 512))
          .AddAttribute("RetransmitTimeout", "Initial IKE retransmission timeout.",
                        ns3::TimeValue(ns3::MilliSeconds(500)),
                        ns3::MakeTimeAccessor(&IkewotApplication::retransmit_timeout_),
                        ns3::MakeTimeChecker(ns3::MilliSeconds(1)))
          .AddAttribute("RetransmitTries", "Transmissions of a request before giving up.",
                        ns3::UintegerValue(5),
                        ns3::MakeUintegerAccessor(&IkewotApplication::retransmit_tries_),
                        ns3::MakeUintegerChecker<uint32_t>(1, 20))
          .AddAttribute("FragmentBudget",
                        "Largest IKE datagram (UDP payload) sent unfragmented; larger "
                        "encrypted messages use RFC 7383 fragments when the peer supports them.",
                        ns3::UintegerValue(1232),
                        ns3::MakeUintegerAccessor(&IkewotApplication::fragment_budget_),
                        ns3::MakeUintegerChecker<uint32_t>(256, 65000))
          .AddAttribute("LargeFirstMessage",
                        "Offer MODP-4096 first (a ~800-octet IKE_SA_INIT) with X25519 as the "
                        "restricted fallback list.",
                        ns3::BooleanValue(false),
                        ns3::MakeBooleanAccessor(&IkewotApplication::large_first_message_),
                        ns3::MakeBooleanChecker())
          .AddAttribute("AnswerIkev1",
                        "Also answer IKEv1 main and aggressive mode as a responder (probes of "
                        "IKEv1 peers get our certificate; engine Policy::accept_ikev1).",
                        ns3::BooleanValue(false),
                        ns3::MakeBooleanAccessor(&IkewotApplication::answer_ikev1_),
                        ns3::MakeBooleanChecker())
          .AddAttribute(
              "PeerCertificateCacheEntries",
              "Parsed peer certificates the engine keeps for the next handshake with "
              "the same peer (engine NodeConfig::peer_certificate_cache_entries; 0: "
              "none).",
              ns3::UintegerValue(32),
              ns3::MakeUintegerAccessor(&IkewotApplication::peer_certificate_cache_entries_),
              ns3::MakeUintegerChecker<uint32_t>())
          .AddAttribute("PeerKnowledgeEntries",
                        "Peers whose learned suite and KE group the engine remembers (engine "
                        "NodeConfig::peer_knowledge_entries; 0: none).",
                        ns3::UintegerValue(1024),
                        ns3::MakeUintegerAccessor(&IkewotApplication::peer_knowledge_entries_),
                        ns3::MakeUintegerChecker<uint32_t>())
          .AddAttribute("UseIpv6",
                        "Speak IKE (and ESP) over the node's first global IPv6 address instead "
                        "of IPv4.",
                        ns3::BooleanValue(false),
                        ns3::MakeBooleanAccessor(&IkewotApplication::use_ipv6_),
                        ns3::MakeBooleanChecker())
          .AddTraceSource("Event",
                          "Every protocol and trust event of this node (docs/run-format.md).",
                          ns3::MakeTraceSourceAccessor(&IkewotApplication::event_trace_),
                          "ikewot::sim::IkewotApplication::EventCallback");
  return tid;
}

IkewotApplication::IkewotApplication() : retransmit_timeout_(ns3::MilliSeconds(500)) {}
IkewotApplication::~IkewotApplication() = default;

void IkewotApplication::DoDispose() {
  deadline_event_.Cancel();
  socket_ike_ = nullptr;
  socket_natt_ = nullptr;
  socket_esp_ = nullptr;
  esp_flush_.Cancel();
  pending_.clear();
  ns3::Application::DoDispose();
}

ikewot::TimePoint IkewotApplication::Now() const {
  return TimePoint::FromUnixSeconds(static_cast<int64_t>(start_unix_seconds_)) +
         Duration(ns3::Simulator::Now().GetNanoSeconds());
}

std::string IkewotApplication::identification() const {
  return certificate_ ? crypto::SpokenIdentification(*certificate_) : std::string();
}

Status IkewotApplication::Initialize() {
  if (initialized_) return Status::Ok();
  Status addressed = FindOwnAddress();
  if (!addressed.ok()) return addressed;
  if (name_.empty()) name_ = "n" + std::to_string(node_id_);

  const std::string label = "ikewot-sim node " + std::to_string(node_id_) + " run " +
                            std::to_string(ns3::RngSeedManager::GetRun());
  rng_ = std::make_unique<DeterministicRng>(ns3::RngSeedManager::GetSeed(), AsBytes(label));

  std::optional<crypto::KeyType> type = crypto::ParseKeyType(key_type_);
  if (!type || crypto::IsRsa(*type)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "KeyType must be ed25519 or an ECDSA curve (RSA keys are not reproducible "
                     "from the seed), got \"" +
                         key_type_ + "\"");
  }
  Result<crypto::PrivateKey> key = crypto::PrivateKey::Generate(*type, *rng_);
  if (!key.ok()) return key.error();
  key_ = std::make_shared<const crypto::PrivateKey>(std::move(*key));
  crypto::SelfSignedOptions options;
  options.common_name = name_;
  options.validity_days = 3650;
  TimePoint start = TimePoint::FromUnixSeconds(static_cast<int64_t>(start_unix_seconds_));
  Result<crypto::Certificate> cert = crypto::MakeSelfSigned(*key_, options, start, *rng_);
  if (!cert.ok()) return cert.error();
  certificate_.emplace(std::move(*cert));
  Result<trust::Endorser> endorser = trust::Endorser::Create(*key_, *certificate_);
  if (!endorser.ok()) return endorser.error();
  endorser_.emplace(std::move(*endorser));

  trust::StoreOptions store_options;
  store_options.mode = trust::MarkingMode::kFlagged;
  store_options.owner = &*endorser_;
  Result<std::unique_ptr<trust::TrustStore>> store = trust::TrustStore::InMemory(store_options);
  if (!store.ok()) return store.error();
  store_ = std::move(*store);

  engine::NodeConfig config;
  config.responder_policy = MakePolicy(Mode::kConnect);
  config.responder_policy.allow_probes = answer_probes_;
  config.responder_policy.accept_ikev1 = answer_ikev1_;
  config.peer_certificate_cache_entries = peer_certificate_cache_entries_;
  config.peer_knowledge_entries = peer_knowledge_entries_;
  engine_ = std::make_unique<engine::IkeNode>(std::move(config), *rng_);
  initialized_ = true;
  return Status::Ok();
}

Status IkewotApplication::FindOwnAddress() {
  if (use_ipv6_) {
    ns3::Ptr<ns3::Ipv6> ipv6 = GetNode() ? GetNode()->GetObject<ns3::Ipv6>() : nullptr;
    if (!ipv6) return MakeError(ErrorCode::kInvalidArgument, "the node has no IPv6 stack");
    for (uint32_t i = 0; i < ipv6->GetNInterfaces() && address_.empty(); ++i) {
      for (uint32_t a = 0; a < ipv6->GetNAddresses(i); ++a) {
        const ns3::Ipv6InterfaceAddress address = ipv6->GetAddress(i, a);
        if (address.GetScope() == ns3::Ipv6InterfaceAddress::GLOBAL) {
          address_ = AddressBytes(address.GetAddress());
          break;
        }
      }
    }
    if (address_.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "node " + name_ + " has no global IPv6 address");
    }
    return Status::Ok();
  }
  ns3::Ptr<ns3::Ipv4> ipv4 = GetNode() ? GetNode()->GetObject<ns3::Ipv4>() : nullptr;
  if (!ipv4) return MakeError(ErrorCode::kInvalidArgument, "the node has no IPv4 stack");
  for (uint32_t i = 0; i < ipv4->GetNInterfaces() && address_.empty(); ++i) {
    for (uint32_t a = 0; a < ipv4->GetNAddresses(i); ++a) {
      ns3::Ipv4Address local = ipv4->GetAddress(i, a).GetLocal();
      if (!local.IsLocalhost()) {
        address_ = AddressBytes(local);
        break;
      }
    }
  }
  if (address_.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "node " + name_ + " has no IPv4 address");
  }
  return Status::Ok();
}

Status IkewotApplication::SetPresentedIdentity(std::shared_ptr<const crypto::PrivateKey> key,
                                               crypto::Certificate certificate) {
  if (!initialized_) return MakeError(ErrorCode::kInvalidArgument, "Initialize first");
  Result<crypto::PublicKey> certified = certificate.public_key();
  if (!key || !certified.ok() || !key->public_key().Equals(*certified)) {
    return MakeError(ErrorCode::kInvalidArgument, "the key does not match the certificate");
  }
  presented_key_ = std::move(key);
  presented_certificate_.emplace(std::move(certificate));
  engine::NodeConfig config;
  config.responder_policy = MakePolicy(Mode::kConnect);
  config.responder_policy.allow_probes = answer_probes_;
  config.responder_policy.accept_ikev1 = answer_ikev1_;
  config.peer_certificate_cache_entries = peer_certificate_cache_entries_;
  config.peer_knowledge_entries = peer_knowledge_entries_;
  engine_ = std::make_unique<engine::IkeNode>(std::move(config), *rng_);
  return Status::Ok();
}

engine::Policy IkewotApplication::MakePolicy(Mode mode) {
  engine::Policy policy;
  if (large_first_message_) {
    policy.ike_proposals = {GcmModp4096AndX25519()};
    policy.ke_guess = crypto::kDhModp4096;
    policy.fallback_proposals = {GcmX25519()};
  } else {
    // As a responder we also take MODP-4096 from peers that offer it first.
    policy.ike_proposals = {GcmX25519(), GcmModp4096AndX25519()};
  }
  policy.minimum_strength_bits = static_cast<int>(minimum_strength_);
  policy.esp_proposals = {engine::EspProposalSpec{{{crypto::kEncrAesGcm16, 256}}, {}, false}};
  engine::LocalIdentity identity;
  if (presented_certificate_) {
    identity.key = presented_key_;
    identity.certificate_chain_der = {presented_certificate_->ToDer()};
  } else {
    identity.key = key_;
    identity.certificate_chain_der = {certificate_->ToDer()};
    identity.subject_der = certificate_->SubjectDer();  // parsed once at Initialize
  }
  policy.identity = std::move(identity);
  policy.probe_with_auth = probe_with_auth_;
  policy.retransmit.initial_timeout = Duration(retransmit_timeout_.GetNanoSeconds());
  policy.retransmit.max_tries = retransmit_tries_;
  policy.fragment_budget = fragment_budget_;
  policy.accept_peer = [this, mode](const engine::PeerCertificateView& view) {
    return Judge(view, mode);
  };
  return policy;
}

CertificateDecision IkewotApplication::Judge(const engine::PeerCertificateView& view, Mode mode) {
  if (mode == Mode::kProbe) return CertificateDecision::kAcceptUnverified;
  if (view.chain_der == nullptr || view.chain_der->empty()) return CertificateDecision::kReject;
  trust::DecisionQuery query;
  query.certificate = view.chain_der->front();
  query.now = Now();
  Result<trust::Decision> decision = store_->Decide(query);
  if (!decision.ok()) return CertificateDecision::kReject;
  decision_by_peer_[view.peer.address] = *decision;
  if (decision->trusted()) return CertificateDecision::kAcceptTrusted;
  if (decision->verdict == trust::Verdict::kUnknown && accept_unverified_) {
    return CertificateDecision::kAcceptUnverified;
  }
  return CertificateDecision::kReject;
}

ns3::Ptr<ns3::Socket> IkewotApplication::OpenSocket(uint16_t port) {
  ns3::Ptr<ns3::Socket> socket =
      ns3::Socket::CreateSocket(GetNode(), ns3::UdpSocketFactory::GetTypeId());
  const ns3::Address any =
      use_ipv6_ ? ns3::Address(ns3::Inet6SocketAddress(ns3::Ipv6Address::GetAny(), port))
                : ns3::Address(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
  if (socket->Bind(any) != 0) {
    NS_FATAL_ERROR("ikewot node " << name_ << ": cannot bind UDP port " << port);
  }
  socket->SetRecvCallback(ns3::MakeCallback(&IkewotApplication::Receive, this));
  return socket;
}

void IkewotApplication::StartApplication() {
  Status status = Initialize();
  if (!status.ok()) NS_FATAL_ERROR("ikewot node " << name_ << ": " << status.error().ToString());
  socket_ike_ = OpenSocket(engine::kIkePort);
  socket_natt_ = OpenSocket(engine::kNatTraversalPort);
  OpenEspSocket();
}

void IkewotApplication::StopApplication() {
  deadline_event_.Cancel();
  armed_deadline_ = kNever;
  if (socket_ike_) socket_ike_->Close();
  if (socket_natt_) socket_natt_->Close();
  if (socket_esp_) socket_esp_->Close();
}

void IkewotApplication::Receive(ns3::Ptr<ns3::Socket> socket) {
  const uint16_t local_port = socket == socket_natt_ ? engine::kNatTraversalPort : engine::kIkePort;
  ns3::Address from;
  while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
    std::optional<AddressAndPort> source = FromSocketAddress(from);
    if (!source) continue;
    engine::Datagram datagram;
    datagram.local = engine::Endpoint{address_, local_port};
    datagram.remote = engine::Endpoint{std::move(source->address), source->port};
    datagram.payload.resize(packet->GetSize());
    packet->CopyData(datagram.payload.data(), datagram.payload.size());
    if (local_port == engine::kNatTraversalPort) {
      Result<esp::UdpPayloadKind> kind = esp::ClassifyUdp4500(datagram.payload);
      if (kind.ok() && *kind == esp::UdpPayloadKind::kEsp) {
        AcceptEsp(datagram.remote.address, datagram.payload);
        continue;
      }
    }
    engine_->HandleDatagram(datagram, Now());
  }
  Pump();
}

void IkewotApplication::Pump() {
  // Events first may start new exchanges (callbacks); loop until the engine is quiet.
  for (int round = 0; round < 16; ++round) {
    std::vector<engine::Datagram> outgoing = engine_->TakeOutgoing();
    std::vector<engine::Event> events = engine_->TakeEvents();
    if (outgoing.empty() && events.empty()) break;
    for (const engine::Datagram& d : outgoing) {
      ns3::Ptr<ns3::Socket> socket =
          d.local.port == engine::kNatTraversalPort ? socket_natt_ : socket_ike_;
      if (!socket) continue;
      ns3::Ptr<ns3::Packet> packet =
          ns3::Create<ns3::Packet>(d.payload.data(), static_cast<uint32_t>(d.payload.size()));
      socket->SendTo(packet, 0, SocketAddress(d.remote.address, d.remote.port));
    }
    for (const engine::Event& e : events) HandleEngineEvent(e);
  }
  const TimePoint deadline = engine_->NextDeadline();
  if (deadline == armed_deadline_ && deadline_event_.IsRunning()) return;
  deadline_event_.Cancel();
  armed_deadline_ = deadline;
  if (deadline == kNever) return;
  const int64_t delay_ns = std::max<int64_t>(0, (deadline - Now()).count());
  deadline_event_ =
      ns3::Simulator::Schedule(ns3::NanoSeconds(delay_ns), &IkewotApplication::OnDeadline, this);
}

void IkewotApplication::OnDeadline() {
  armed_deadline_ = kNever;
  engine_->HandleTimeout(Now());
  Pump();
}

Json IkewotApplication::PeerJson(const Bytes& address) const {
  const NodeRecord* record = directory_ ? directory_->ByAddress(address) : nullptr;
  if (record == nullptr) return Json(FormatAddress(address));
  return Json(record->id);
}

void IkewotApplication::Emit(std::string kind, Json fields) {
  SimEvent event;
  event.t_ns = ns3::Simulator::Now().GetNanoSeconds();
  event.node = node_id_;
  event.kind = std::move(kind);
  event.fields = std::move(fields);
  event_trace_(event);
}

void IkewotApplication::Probe(const Bytes& peer_address, ProbeDone done) {
  engine::Endpoint local{address_, engine::kIkePort};
  engine::Endpoint remote{peer_address, engine::kIkePort};
  Result<engine::SaHandle> handle =
      engine_->StartProbe(local, remote, MakePolicy(Mode::kProbe), Now());
  if (!handle.ok()) {
    Json fields = Json::MakeObject();
    fields.Set("peer", PeerJson(peer_address));
    fields.Set("ok", false);
    fields.Set("reason", handle.error().message);
    Emit("probe", std::move(fields));
    engine::Event failed;
    failed.kind = engine::EventKind::kProbeCompleted;
    failed.reason = handle.error().message;
    failed.probe.detail = failed.reason;
    if (done) done(failed);
    return;
  }
  pending_[*handle] = Pending{false, peer_address, ns3::Simulator::Now(), std::move(done), {}};
  Pump();
}

void IkewotApplication::Connect(const Bytes& peer_address, ConnectDone done) {
  engine::Endpoint local{address_, engine::kIkePort};
  engine::Endpoint remote{peer_address, engine::kIkePort};
  Result<engine::SaHandle> handle =
      engine_->Connect(local, remote, MakePolicy(Mode::kConnect), Now());
  if (!handle.ok()) {
    Json fields = Json::MakeObject();
    fields.Set("peer", PeerJson(peer_address));
    fields.Set("ok", false);
    fields.Set("how", "none");
    fields.Set("via", nullptr);
    fields.Set("reason", handle.error().message);
    Emit("connect", std::move(fields));
    if (done) done(false);
    return;
  }
  pending_[*handle] = Pending{true, peer_address, ns3::Simulator::Now(), {}, std::move(done)};
  Pump();
}

void IkewotApplication::Disconnect(const Bytes& peer_address) {
  auto it = established_.find(peer_address);
  if (it == established_.end()) return;
  (void)engine_->Delete(it->second, Now());
  Pump();
}

void IkewotApplication::HandleEngineEvent(const engine::Event& event) {
  using engine::EventKind;
  auto pending = pending_.find(event.sa);
  const NodeRecord* peer_record = directory_ ? directory_->ByAddress(event.peer.address) : nullptr;
  switch (event.kind) {
    case EventKind::kProbeCompleted: {
      if (pending == pending_.end()) return;
      const engine::ProbeResult& probe = event.probe;
      const bool ok = probe.stop == engine::ProbeStop::kCompleted &&
                      probe.auth == engine::ResponderAuth::kVerified && !probe.certificates.empty();
      Json fields = Json::MakeObject();
      fields.Set("peer", PeerJson(pending->second.peer_address));
      fields.Set("ok", ok);
      fields.Set("reason", ok ? std::string()
                              : std::string(engine::ProbeStopName(probe.stop)) +
                                    (probe.detail.empty() ? "" : ": ") + probe.detail);
      fields.Set("nat", probe.nat.detected());
      fields.Set("fallback", probe.used_fallback_proposals);
      fields.Set("rtt_ms",
                 static_cast<int64_t>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(probe.latency).count()));
      fields.Set("round_trips", probe.round_trips);
      fields.Set("retransmissions", probe.retransmissions);
      Emit("probe", std::move(fields));
      ProbeDone done = std::move(pending->second.probe_done);
      pending_.erase(pending);
      if (done) done(event);
      return;
    }
    case EventKind::kIkeSaEstablished: {
      if (peer_record != nullptr) store_->SetPeerUp(peer_record->name, true);
      if (pending == pending_.end() || !pending->second.connect) {
        // Judge's decision is only needed to name how our own connects were trusted; keeping
        // it per peer would grow with every peer that ever connected to us.
        decision_by_peer_.erase(event.peer.address);
        if (peer_record != nullptr) RefreshTrust("peer up");
        return;
      }
      std::string how = "opportunistic";
      Json via = nullptr;
      auto decision = decision_by_peer_.find(pending->second.peer_address);
      if (decision != decision_by_peer_.end()) {
        if (decision->second.verdict == trust::Verdict::kTrustedDirect) how = "verified";
        if (decision->second.verdict == trust::Verdict::kTrustedVia) {
          how = "collection";
          const NodeRecord* signer =
              directory_ ? directory_->ByFingerprint(decision->second.signer_fingerprint) : nullptr;
          if (signer != nullptr) via = Json(signer->id);
        }
        decision_by_peer_.erase(decision);
      }
      const engine::IkeSa* sa = engine_->Find(event.sa);
      Json fields = Json::MakeObject();
      fields.Set("peer", PeerJson(pending->second.peer_address));
      fields.Set("ok", true);
      fields.Set("how", how);
      fields.Set("via", via);
      fields.Set("reason", "");
      fields.Set("duration_ms", Milliseconds(ns3::Simulator::Now() - pending->second.started));
      fields.Set("nat", sa != nullptr && sa->nat_detected());
      fields.Set("fallback", sa != nullptr && sa->used_fallback());
      Emit("connect", std::move(fields));
      established_[pending->second.peer_address] = event.sa;
      ConnectDone done = std::move(pending->second.connect_done);
      pending_.erase(pending);
      RefreshTrust("peer up");
      // After the rest of this batch (the CHILD SA event follows), so that the caller can
      // send through the new CHILD SA at once.
      if (done) ns3::Simulator::ScheduleNow([done] { done(true); });
      return;
    }
    case EventKind::kChildSaEstablished: {
      Status installed = esp_.Install(event);
      if (!installed.ok()) {
        NS_LOG_WARN("node " << name_
                            << ": CHILD SA not installed: " << installed.error().ToString());
      }
      return;
    }
    case EventKind::kFailed: {
      decision_by_peer_.erase(event.peer.address);
      if (pending == pending_.end()) return;
      if (!pending->second.connect) {
        // A probe that failed before it could report: report it the same way.
        engine::Event completed = event;
        completed.kind = EventKind::kProbeCompleted;
        completed.probe.detail = event.reason;
        HandleEngineEvent(completed);
        return;
      }
      Json fields = Json::MakeObject();
      fields.Set("peer", PeerJson(pending->second.peer_address));
      fields.Set("ok", false);
      fields.Set("how", "none");
      fields.Set("via", nullptr);
      fields.Set("reason", event.reason);
      fields.Set("duration_ms", Milliseconds(ns3::Simulator::Now() - pending->second.started));
      fields.Set("nat", false);
      Emit("connect", std::move(fields));
      ConnectDone done = std::move(pending->second.connect_done);
      pending_.erase(pending);
      if (done) done(false);
      return;
    }
    case EventKind::kDeleted: {
      esp_.Remove(event.peer.address);
      for (auto it = established_.begin(); it != established_.end(); ++it) {
        if (it->second == event.sa) {
          established_.erase(it);
          break;
        }
      }
      if (peer_record != nullptr) {
        store_->SetPeerUp(peer_record->name, false);
        RefreshTrust("peer down");
      }
      return;
    }
  }
}

Status IkewotApplication::AcceptVerified(const Bytes& certificate_der) {
  trust::AcceptOptions options;
  options.note = "verified by phone in the simulation";
  Result<trust::LocalEntry> entry = store_->AddLocal(certificate_der, options, Now());
  if (!entry.ok()) return entry.error();
  RefreshTrust("verified");
  return Status::Ok();
}

void IkewotApplication::RecordVerification(uint32_t peer, bool ok, int64_t duration_s) {
  Json fields = Json::MakeObject();
  fields.Set("peer", peer);
  fields.Set("ok", ok);
  fields.Set("duration_s", duration_s);
  Emit("verify", std::move(fields));
}

Result<IkewotApplication::Shared> IkewotApplication::Share(uint32_t depth,
                                                           const std::string& recipients) {
  trust::ShareOptions options;
  options.depth = depth;
  Result<trust::ShareResult> result = store_->Share(*endorser_, options, Now());
  if (!result.ok()) return result.error();
  Shared shared;
  shared.file = std::move(result->file);
  shared.id = std::to_string(node_id_) + "/" + std::to_string(result->sequence);
  shared.entries = result->entries;
  ++shares_;
  Json fields = Json::MakeObject();
  fields.Set("collection", shared.id);
  fields.Set("entries", static_cast<uint64_t>(shared.entries));
  fields.Set("recipients", recipients);
  Emit("share", std::move(fields));
  return shared;
}

Status IkewotApplication::Import(const Bytes& file, uint32_t from, const std::string& collection_id,
                                 const trust::Condition& condition) {
  auto report_failure = [&](const Error& error) {
    Json fields = Json::MakeObject();
    fields.Set("from", from);
    fields.Set("collection", collection_id);
    fields.Set("entries", 0);
    fields.Set("ok", false);
    fields.Set("reason", error.message);
    Emit("import", std::move(fields));
    return Status(error);
  };
  trust::Decryptor decryptor{key_.get(), &*certificate_};
  Result<trust::OpenedCollection> opened = trust::OpenCollection(file, decryptor);
  if (!opened.ok()) return report_failure(opened.error());
  Result<trust::PreparedCollection> prepared = trust::PrepareCollection(std::move(*opened));
  if (!prepared.ok()) return report_failure(prepared.error());
  trust::ImportOptions options;
  options.name = StoreNameFor(from);
  Result<trust::ImportReport> report = store_->Import(*prepared, options, Now());
  if (!report.ok()) return report_failure(report.error());
  collection_ids_[report->name] = collection_id;
  Json fields = Json::MakeObject();
  fields.Set("from", from);
  fields.Set("collection", collection_id);
  fields.Set("entries", static_cast<uint64_t>(report->stored));
  fields.Set("ok", true);
  fields.Set("reason", "");
  Emit("import", std::move(fields));
  if (condition.kind != trust::Condition::Kind::kNone) {
    Status set = store_->SetCollectionCondition(report->name, condition, Now());
    if (!set.ok()) return set;
  }
  Json enable = Json::MakeObject();
  enable.Set("collection", collection_id);
  enable.Set("from", from);
  enable.Set("condition", condition.kind == trust::Condition::Kind::kWhilePeerUp
                              ? Json("connected:" + condition.peer)
                              : Json(nullptr));
  Emit("enable", std::move(enable));
  RefreshTrust("collection imported");
  return Status::Ok();
}

Status IkewotApplication::SetCollectionEnabled(uint32_t from, bool enabled) {
  const std::string name = StoreNameFor(from);
  Status status = store_->SetCollectionEnabled(name, enabled, Now());
  if (!status.ok()) return status;
  Json fields = Json::MakeObject();
  fields.Set("collection", collection_ids_.count(name) ? collection_ids_[name] : name);
  fields.Set("from", from);
  fields.Set("condition", nullptr);
  Emit(enabled ? "enable" : "disable", std::move(fields));
  RefreshTrust(enabled ? "collection enabled" : "collection disabled");
  return Status::Ok();
}

void IkewotApplication::RefreshTrust(const std::string& reason) {
  // Every certificate the store knows about: local decisions and collection entries.
  std::map<Bytes, Bytes> candidates;  // fingerprint -> DER
  if (Result<std::vector<trust::LocalEntry>> local = store_->ListLocal(); local.ok()) {
    for (const trust::LocalEntry& e : *local) candidates[e.fingerprint()] = e.certificate;
  }
  if (Result<std::vector<trust::CollectionInfo>> infos = store_->ListCollections(); infos.ok()) {
    for (const trust::CollectionInfo& info : *infos) {
      Result<std::vector<trust::EntryRef>> entries = store_->CollectionEntries(info.name);
      if (!entries.ok()) continue;
      for (const trust::EntryRef& e : *entries) {
        candidates.emplace(e->cert.fingerprint, e->entry.tbs.certificate);
      }
    }
  }
  std::map<Bytes, TrustEdge> now_trusted;
  for (const auto& [fingerprint, der] : candidates) {
    trust::DecisionQuery query;
    query.certificate = der;
    query.now = Now();
    Result<trust::Decision> decision = store_->Decide(query);
    if (!decision.ok()) continue;
    const NodeRecord* peer = directory_ ? directory_->BySubject(decision->subject) : nullptr;
    if (decision->verdict == trust::Verdict::kConflict) {
      if (conflicts_reported_.insert(fingerprint).second) {
        Json fields = Json::MakeObject();
        fields.Set("peer", peer ? Json(peer->id) : Json(decision->subject));
        // The other source: "local pin", or "collection from-<sharer>".
        const std::string source =
            decision->conflicts.empty() ? std::string() : decision->conflicts.front().source;
        Json from = nullptr;
        Json collection = nullptr;
        const std::string prefix = "collection ";
        if (source.rfind(prefix, 0) == 0) {
          const std::string name = source.substr(prefix.size());
          auto id = collection_ids_.find(name);
          collection = Json(id != collection_ids_.end() ? id->second : name);
          if (name.rfind("from-", 0) == 0) {
            from = Json(static_cast<int64_t>(std::strtoll(name.c_str() + 5, nullptr, 10)));
          }
        }
        fields.Set("from", from);
        fields.Set("collection", collection);
        fields.Set("source", source);
        fields.Set("genuine", peer != nullptr && peer->fingerprint == fingerprint);
        Emit("conflict", std::move(fields));
      }
      continue;
    }
    if (!decision->trusted() || peer == nullptr || peer->id == node_id_) continue;
    TrustEdge edge;
    edge.peer = peer->id;
    edge.depth = static_cast<uint32_t>(decision->depth);
    edge.genuine = peer->fingerprint == fingerprint;
    if (decision->verdict == trust::Verdict::kTrustedVia) {
      const NodeRecord* signer = directory_->ByFingerprint(decision->signer_fingerprint);
      if (signer != nullptr) edge.via = signer->id;
      auto id = collection_ids_.find(decision->collection);
      edge.collection = id != collection_ids_.end() ? id->second : decision->collection;
    }
    now_trusted[fingerprint] = edge;
  }
  for (const auto& [fingerprint, edge] : trusted_) {
    if (now_trusted.count(fingerprint) != 0) continue;
    Json fields = Json::MakeObject();
    fields.Set("peer", edge.peer);
    fields.Set("via", edge.via ? Json(*edge.via) : Json(nullptr));
    fields.Set("reason", reason);
    Emit("untrust", std::move(fields));
  }
  for (const auto& [fingerprint, edge] : now_trusted) {
    auto old = trusted_.find(fingerprint);
    if (old != trusted_.end() && old->second.via == edge.via && old->second.depth == edge.depth) {
      continue;
    }
    Json fields = Json::MakeObject();
    fields.Set("peer", edge.peer);
    fields.Set("via", edge.via ? Json(*edge.via) : Json(nullptr));
    fields.Set("depth", edge.depth);
    fields.Set("genuine", edge.genuine);
    fields.Set("collection", edge.collection.empty() ? Json(nullptr) : Json(edge.collection));
    Emit("trust", std::move(fields));
  }
  trusted_ = std::move(now_trusted);
}

}  // namespace ikewot::sim
