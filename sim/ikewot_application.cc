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

// The EspProposals attribute: "none", or a comma-separated list of AEAD suites in order of
// preference, each one ESP proposal.
Result<std::vector<engine::EspProposalSpec>> ParseEspProposals(const std::string& text) {
  std::vector<engine::EspProposalSpec> proposals;
  if (text == "none") return proposals;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string name = text.substr(start, comma - start);
    engine::EncrAlgorithm encr;
    if (name == "aes256gcm16") {
      encr = {crypto::kEncrAesGcm16, 256};
    } else if (name == "aes128gcm16") {
      encr = {crypto::kEncrAesGcm16, 128};
    } else if (name == "chacha20poly1305") {
      encr = {crypto::kEncrChaCha20Poly1305, 0};
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "EspProposals must be \"none\" or a comma-separated list of aes256gcm16, "
                       "aes128gcm16, chacha20poly1305; got \"" +
                           text + "\"");
    }
    proposals.push_back(engine::EspProposalSpec{{encr}, {}, false});
    start = comma + 1;
  }
  return proposals;
}

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
          .AddAttribute("EspProposals",
                        "ESP suites for CHILD SAs, as initiator and responder: a comma-separated "
                        "list of aes256gcm16, aes128gcm16, chacha20poly1305, or none (connects "
                        "ask for no CHILD SA; every CHILD SA offered to us is refused).",
                        ns3::StringValue("aes256gcm16"),
                        ns3::MakeStringAccessor(&IkewotApplication::esp_proposals_text_),
                        ns3::MakeStringChecker())
          .AddAttribute("ProcessingDelay",
                        "Simulated CPU time of one engine call: the node is busy for it from "
                        "the call's start, its outputs take effect at the end, and inputs "
                        "arriving meanwhile wait. 0: inline, no extra events.",
                        ns3::TimeValue(ns3::Seconds(0)),
                        ns3::MakeTimeAccessor(&IkewotApplication::processing_delay_),
                        ns3::MakeTimeChecker(ns3::Seconds(0)))
          .AddTraceSource("Event",
                          "Every protocol and trust event of this node (docs/run-format.md).",
                          ns3::MakeTraceSourceAccessor(&IkewotApplication::event_trace_),
                          "ikewot::sim::IkewotApplication::EventCallback");
  return tid;
}

IkewotApplication::IkewotApplication() : retransmit_timeout_(ns3::MilliSeconds(500)) {}
IkewotApplication::~IkewotApplication() = default;

void IkewotApplication::DoDispose() {
  SyncEngine();
  ticket_.reset();
  executor_.reset();
  completion_event_.Cancel();
  waiting_.clear();
  busy_ = false;
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
  Status begun = BeginInitialize();
  if (!begun.ok()) return begun;
  return FinishInitialize();
}

Status IkewotApplication::BeginInitialize() {
  if (initialized_ || rng_) return Status::Ok();
  if (address_.empty()) {
    Status addressed = FindOwnAddress();
    if (!addressed.ok()) return addressed;
  }
  if (name_.empty()) name_ = "n" + std::to_string(node_id_);
  Result<std::vector<engine::EspProposalSpec>> esp = ParseEspProposals(esp_proposals_text_);
  if (!esp.ok()) return esp.error();
  esp_proposals_ = std::move(*esp);

  const std::string label = "ikewot-sim node " + std::to_string(node_id_) + " run " +
                            std::to_string(ns3::RngSeedManager::GetRun());
  rng_ = std::make_unique<DeterministicRng>(ns3::RngSeedManager::GetSeed(), AsBytes(label));
  return Status::Ok();
}

Status IkewotApplication::FinishInitialize() {
  if (initialized_) return Status::Ok();
  if (!rng_) return MakeError(ErrorCode::kState, "FinishInitialize before BeginInitialize");

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

  engine_ = std::make_unique<engine::IkeNode>(MakeNodeConfig(), *rng_);
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
  engine_ = std::make_unique<engine::IkeNode>(MakeNodeConfig(), *rng_);
  return Status::Ok();
}

// The engine as the attributes configure it; made again when the node presents another
// certificate (PresentCertificate).
engine::NodeConfig IkewotApplication::MakeNodeConfig() {
  engine::NodeConfig config;
  config.responder_policy = MakePolicy(Mode::kConnect);
  config.responder_policy.allow_probes = answer_probes_;
  config.responder_policy.accept_ikev1 = answer_ikev1_;
  config.peer_certificate_cache_entries = peer_certificate_cache_entries_;
  config.peer_knowledge_entries = peer_knowledge_entries_;
  config.prepared_crypto = prepared_crypto_;
  return config;
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
  policy.esp_proposals = esp_proposals_;
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
  query.now = call_now_;  // may run on a worker: not Simulator::Now()
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
    if (!processing_delay_.IsZero()) {
      EngineInput input;
      input.kind = EngineInput::Kind::kDatagram;
      input.datagram = std::move(datagram);
      SubmitEngineInput(std::move(input));
      continue;
    }
    call_now_ = Now();
    engine_->HandleDatagram(datagram, call_now_);
  }
  if (processing_delay_.IsZero()) Pump();
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
  // One waiting timeout is enough: it handles everything due when it starts.
  for (const EngineInput& waiting : waiting_) {
    if (waiting.kind == EngineInput::Kind::kTimeout) return;
  }
  SubmitEngineInput(EngineInput{});
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
      if (pending == pending_.end() || !pending->second.connect) {
        if (peer_record != nullptr) store_->SetPeerUp(peer_record->name, true);
        // Judge's decision is only needed to name how our own connects were trusted; keeping
        // it per peer would grow with every peer that ever connected to us.
        decision_by_peer_.erase(event.peer.address);
        if (peer_record != nullptr) RefreshTrust("peer up");
        return;
      }
      Pending& connect = pending->second;
      auto decision = decision_by_peer_.find(connect.peer_address);
      if (decision != decision_by_peer_.end()) {
        if (decision->second.verdict == trust::Verdict::kTrustedDirect) connect.how = "verified";
        if (decision->second.verdict == trust::Verdict::kTrustedVia) {
          connect.how = "collection";
          const NodeRecord* signer =
              directory_ ? directory_->ByFingerprint(decision->second.signer_fingerprint) : nullptr;
          if (signer != nullptr) connect.via = Json(signer->id);
        }
        decision_by_peer_.erase(decision);
      }
      connect.ike_sa_up = true;
      // A connect that asked for a CHILD SA succeeds only with it: the responder may still
      // refuse it (RFC 7296 §1.2), and then the engine reports kFailed next.
      if (!connect.wants_child_sa) ReportConnected(event.sa, connect);
      return;
    }
    case EventKind::kChildSaEstablished: {
      Status installed = esp_.Install(event);
      if (pending == pending_.end() || !pending->second.connect || !pending->second.ike_sa_up) {
        if (!installed.ok()) {
          NS_LOG_WARN("node " << name_
                              << ": CHILD SA not installed: " << installed.error().ToString());
        }
        return;
      }
      if (installed.ok()) {
        ReportConnected(event.sa, pending->second);
        return;
      }
      ReportConnectFailed(event.sa, pending->second,
                          "CHILD SA not installed: " + installed.error().message);
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
      ReportConnectFailed(event.sa, pending->second, event.reason);
      return;
    }
    case EventKind::kDeleted: {
      // A connect that failed after IKE_AUTH never installed ESP nor reported the peer up.
      if (failed_after_auth_.erase(event.sa) != 0) return;
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

void IkewotApplication::ReportConnected(engine::SaHandle sa, Pending& pending) {
  const NodeRecord* peer_record =
      directory_ ? directory_->ByAddress(pending.peer_address) : nullptr;
  if (peer_record != nullptr) store_->SetPeerUp(peer_record->name, true);
  const engine::IkeSa* ike_sa = engine_->Find(sa);
  Json fields = Json::MakeObject();
  fields.Set("peer", PeerJson(pending.peer_address));
  fields.Set("ok", true);
  fields.Set("how", pending.how);
  fields.Set("via", pending.via);
  fields.Set("reason", "");
  fields.Set("duration_ms", Milliseconds(ns3::Simulator::Now() - pending.started));
  fields.Set("nat", ike_sa != nullptr && ike_sa->nat_detected());
  fields.Set("fallback", ike_sa != nullptr && ike_sa->used_fallback());
  Emit("connect", std::move(fields));
  established_[pending.peer_address] = sa;
  ConnectDone done = std::move(pending.connect_done);
  pending_.erase(sa);
  RefreshTrust("peer up");
  // After the rest of this batch, so that the caller's traffic or next exchange does not run
  // inside the engine's event handling.
  if (done) ns3::Simulator::ScheduleNow([done] { done(true); });
}

void IkewotApplication::ReportConnectFailed(engine::SaHandle sa, Pending& pending,
                                            const std::string& reason) {
  const engine::IkeSa* ike_sa = engine_->Find(sa);
  if (pending.ike_sa_up) {
    // The IKE SA is up but useless without its CHILD SA: delete it (the engine already does
    // when the responder refused the CHILD SA), and keep its deletion from reporting a peer
    // down that was never reported up.
    failed_after_auth_.insert(sa);
    if (ike_sa != nullptr && ike_sa->state() == engine::IkeSa::State::kEstablished) {
      call_now_ = Now();
      (void)engine_->Delete(sa, call_now_);
    }
    if (engine_->Find(sa) == nullptr) failed_after_auth_.erase(sa);
  }
  Json fields = Json::MakeObject();
  fields.Set("peer", PeerJson(pending.peer_address));
  fields.Set("ok", false);
  fields.Set("how", "none");
  fields.Set("via", nullptr);
  fields.Set("reason", reason);
  fields.Set("duration_ms", Milliseconds(ns3::Simulator::Now() - pending.started));
  fields.Set("nat", pending.ike_sa_up && ike_sa != nullptr && ike_sa->nat_detected());
  Emit("connect", std::move(fields));
  ConnectDone done = std::move(pending.connect_done);
  pending_.erase(sa);
  if (done) done(false);
}

}  // namespace ikewot::sim
