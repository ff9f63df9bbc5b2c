// IkewotApplication: the engine calls the scenario asks for (Probe, Connect, Disconnect) and the
// node's processing time (the ProcessingDelay attribute, see ikewot_application.h). With d = 0
// a call runs inline and its outputs go out at once. With d > 0:
//
//   t        input arrives, node idle -> call starts (now = t), on the executor if there is one
//   t..t+d   node busy: inputs wait in arrival order
//   t+d      outputs take effect (datagrams sent, events handled, deadline re-armed); the oldest
//            waiting input starts (now = t + d)
//
// The call only touches this node's engine, rng and trust store (through Judge) and call_now_;
// everything ns-3 (sockets, events, trace sources, Simulator::Now) happens on the main thread in
// FinishEngineCall. The main thread touches the engine, rng or store only after SyncEngine.
#include <ns3/simulator.h>

#include "sim/ikewot_application.h"

namespace ikewot::sim {

using engine::Mode;

void IkewotApplication::Probe(const Bytes& peer_address, ProbeDone done) {
  EngineInput input;
  input.kind = EngineInput::Kind::kProbe;
  input.peer_address = peer_address;
  input.requested = ns3::Simulator::Now();
  input.probe_done = std::move(done);
  SubmitEngineInput(std::move(input));
}

void IkewotApplication::Connect(const Bytes& peer_address, ConnectDone done) {
  EngineInput input;
  input.kind = EngineInput::Kind::kConnect;
  input.peer_address = peer_address;
  input.requested = ns3::Simulator::Now();
  input.connect_done = std::move(done);
  SubmitEngineInput(std::move(input));
}

void IkewotApplication::Disconnect(const Bytes& peer_address) {
  EngineInput input;
  input.kind = EngineInput::Kind::kDisconnect;
  input.peer_address = peer_address;
  SubmitEngineInput(std::move(input));
}

void IkewotApplication::SubmitEngineInput(EngineInput input) {
  if (processing_delay_.IsZero()) {
    RunEngineCall(input, Now());
    FinishEngineCall(input);
    return;
  }
  if (busy_) {
    waiting_.push_back(std::move(input));
    return;
  }
  StartEngineCall(std::move(input));
}

void IkewotApplication::StartEngineCall(EngineInput input) {
  busy_ = true;
  in_flight_ = std::move(input);
  const TimePoint now = Now();
  if (executor_) {
    // With one PreparedCrypto shared by many nodes, use the running thread's instead.
    const bool shared_prepared = prepared_crypto_ != nullptr;
    ticket_ = executor_->Submit(
        [this, now, shared_prepared](const std::shared_ptr<crypto::PreparedCrypto>& prepared) {
          if (shared_prepared) engine_->SetPreparedCrypto(prepared);
          RunEngineCall(in_flight_, now);
        });
  } else {
    RunEngineCall(in_flight_, now);
  }
  completion_event_ =
      ns3::Simulator::Schedule(processing_delay_, &IkewotApplication::CompleteEngineCall, this);
}

void IkewotApplication::CompleteEngineCall() {
  SyncEngine();
  // Engine calls made while handling the outputs (deleting a useless IKE SA) run here.
  if (executor_ && prepared_crypto_) engine_->SetPreparedCrypto(executor_->main_prepared());
  EngineInput done = std::move(in_flight_);
  FinishEngineCall(done);  // inputs it causes for this node wait: the node is still busy
  busy_ = false;
  if (!waiting_.empty()) {
    EngineInput next = std::move(waiting_.front());
    waiting_.pop_front();
    StartEngineCall(std::move(next));
  }
}

void IkewotApplication::SyncEngine() const {
  if (!ticket_) return;
  executor_->Wait(ticket_);
  ticket_.reset();
}

void IkewotApplication::RunEngineCall(EngineInput& input, TimePoint now) {
  call_now_ = now;
  using Kind = EngineInput::Kind;
  switch (input.kind) {
    case Kind::kDatagram:
      engine_->HandleDatagram(input.datagram, now);
      return;
    case Kind::kTimeout:
      engine_->HandleTimeout(now);
      return;
    case Kind::kProbe:
    case Kind::kConnect: {
      const engine::Endpoint local{address_, engine::kIkePort};
      const engine::Endpoint remote{input.peer_address, engine::kIkePort};
      Result<engine::SaHandle> handle =
          input.kind == Kind::kProbe
              ? engine_->StartProbe(local, remote, MakePolicy(Mode::kProbe), now)
              : engine_->Connect(local, remote, MakePolicy(Mode::kConnect), now);
      if (handle.ok()) {
        input.handle = *handle;
      } else {
        input.started = handle.error();
      }
      return;
    }
    case Kind::kDisconnect: {
      auto it = established_.find(input.peer_address);
      if (it == established_.end()) {
        input.started = MakeError(ErrorCode::kNotFound, "no IKE SA to that peer");
        return;
      }
      (void)engine_->Delete(it->second, now);
      return;
    }
  }
}

void IkewotApplication::FinishEngineCall(EngineInput& input) {
  using Kind = EngineInput::Kind;
  switch (input.kind) {
    case Kind::kDatagram:
    case Kind::kTimeout:
      Pump();
      return;
    case Kind::kDisconnect:
      if (input.started.ok()) Pump();
      return;
    case Kind::kProbe: {
      if (!input.started.ok()) {
        Json fields = Json::MakeObject();
        fields.Set("peer", PeerJson(input.peer_address));
        fields.Set("ok", false);
        fields.Set("reason", input.started.error().message);
        Emit("probe", std::move(fields));
        engine::Event failed;
        failed.kind = engine::EventKind::kProbeCompleted;
        failed.reason = input.started.error().message;
        failed.probe.detail = failed.reason;
        if (input.probe_done) input.probe_done(failed);
        return;
      }
      pending_[input.handle] =
          Pending{false, input.peer_address, input.requested, std::move(input.probe_done), {}};
      Pump();
      return;
    }
    case Kind::kConnect: {
      if (!input.started.ok()) {
        Json fields = Json::MakeObject();
        fields.Set("peer", PeerJson(input.peer_address));
        fields.Set("ok", false);
        fields.Set("how", "none");
        fields.Set("via", nullptr);
        fields.Set("reason", input.started.error().message);
        Emit("connect", std::move(fields));
        if (input.connect_done) input.connect_done(false);
        return;
      }
      Pending pending{true, input.peer_address, input.requested, {}, std::move(input.connect_done)};
      pending.wants_child_sa = !esp_proposals_.empty();
      pending_[input.handle] = std::move(pending);
      Pump();
      return;
    }
  }
}

}  // namespace ikewot::sim
