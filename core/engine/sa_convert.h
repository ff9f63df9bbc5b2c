// Between the engine's proposal values (proposals.h) and the SA payload codec (ikev2/sa_payload.h).
// Offers become proposals with one transform per listed algorithm; received offers become specs
// with anything we do not understand left out (RFC 7296 §3.3.6: unknown transforms make only
// that transform unusable); a responder's answer must name exactly one transform per type.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/proposals.h"
#include "core/ikev2/sa_payload.h"

namespace ikewot::engine {

ikev2::SaPayload IkeOfferToSa(const std::vector<IkeProposalSpec>& offer);
// Proposal numbers are kept by position: element i is the proposal numbered i+1 in the payload
// when numbered consecutively; proposals for other protocols become empty specs so numbering
// stays aligned.
std::vector<IkeProposalSpec> IkeOfferFromSa(const ikev2::SaPayload& sa);
ikev2::SaPayload IkeChoiceToSa(const IkeSuiteChoice& choice, uint8_t proposal_number);
// The responder's single-proposal answer; kBadValue when it is not exactly one of each type.
Result<IkeSuiteChoice> IkeChoiceFromSa(const ikev2::SaPayload& sa);

ikev2::SaPayload EspOfferToSa(const std::vector<EspProposalSpec>& offer, uint32_t spi);
struct EspOffer {
  std::vector<EspProposalSpec> proposals;
  std::vector<uint32_t> spis;  // per proposal
};
EspOffer EspOfferFromSa(const ikev2::SaPayload& sa);
ikev2::SaPayload EspChoiceToSa(const EspSuiteChoice& choice, uint8_t proposal_number, uint32_t spi);
struct EspAnswer {
  EspSuiteChoice suite;
  uint32_t spi = 0;
};
Result<EspAnswer> EspChoiceFromSa(const ikev2::SaPayload& sa);

}  // namespace ikewot::engine
