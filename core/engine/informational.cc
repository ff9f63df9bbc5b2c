// INFORMATIONAL (RFC 7296 §1.4): delete and liveness.
//
//   HDR, SK { D(IKE) }  -->          <--  HDR, SK { }      (delete the IKE SA)
//   HDR, SK { }  -->                 <--  HDR, SK { }      (liveness check)
#include "core/engine/ike_sa.h"

namespace ikewot::engine {

using ikev2::PayloadType;

Status IkeSa::StartDelete(SaContext& ctx) {
  if (pending_exchange_) return MakeError(ErrorCode::kState, "a request is still outstanding");
  ikev2::DeletePayload del;
  del.protocol = ikev2::ProtocolId::kIke;
  IKEWOT_RETURN_IF_ERROR(
      SendRequest(ikev2::ExchangeType::kInformational, {ikev2::MakePayload(std::move(del))}, ctx));
  state_ = State::kDeleting;
  return Status::Ok();
}

Status IkeSa::StartLivenessCheck(SaContext& ctx) {
  if (state_ != State::kEstablished) return MakeError(ErrorCode::kState, "SA not established");
  if (pending_exchange_) return MakeError(ErrorCode::kState, "a request is still outstanding");
  return SendRequest(ikev2::ExchangeType::kInformational, {}, ctx);
}

void IkeSa::ProcessInformationalRequest(const std::vector<ikev2::Payload>& inner, SaContext& ctx) {
  bool delete_ike = false;
  for (const ikev2::Payload& p : inner) {
    const auto* del = p.As<ikev2::DeletePayload>();
    if (del != nullptr && del->protocol == ikev2::ProtocolId::kIke) delete_ike = true;
  }
  const uint32_t id = expected_peer_request_id_;
  if (Status s = SendResponse(ikev2::ExchangeType::kInformational, id, {}, ctx); !s.ok()) {
    Fail(s.error().message, ctx);
    return;
  }
  if (delete_ike) {
    Emit(EventKind::kDeleted, ctx, "deleted by peer");
    // Keep answering a retransmitted delete for a moment would need state; RFC 7296 allows the
    // SA to go at once since the peer stops retransmitting on its own timer.
    Close();
  }
}

void IkeSa::ProcessInformationalResponse(const std::vector<ikev2::Payload>& inner, SaContext& ctx) {
  if (state_ == State::kDeleting) {
    if (mode_ != Mode::kProbe) Emit(EventKind::kDeleted, ctx, "deleted");
    Close();
  }
}

}  // namespace ikewot::engine
