// Algorithm proposals as the engine's policy states them, the responder's choice among an
// initiator's proposals, and the strength measure that keeps every fallback at or above the
// policy minimum. These are plain values; the SA payload codec (ikev2/) turns them into wire form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ikewot::engine {

struct EncrAlgorithm {
  uint16_t id = 0;
  uint16_t key_bits = 0;  // Key Length attribute; 0 when the transform has none (ChaCha20)
  friend bool operator==(const EncrAlgorithm&, const EncrAlgorithm&) = default;
};

// One IKE proposal: any combination of the listed transforms is acceptable to its sender.
struct IkeProposalSpec {
  std::vector<EncrAlgorithm> encr;
  std::vector<uint16_t> prf;
  std::vector<uint16_t> integ;  // empty for AEAD-only proposals
  std::vector<uint16_t> ke_groups;
  friend bool operator==(const IkeProposalSpec&, const IkeProposalSpec&) = default;
};

// The one transform of each type the responder picked.
struct IkeSuiteChoice {
  EncrAlgorithm encr;
  uint16_t prf = 0;
  uint16_t integ = 0;  // 0 (NONE) with AEAD
  uint16_t ke_group = 0;
  friend bool operator==(const IkeSuiteChoice&, const IkeSuiteChoice&) = default;
  // "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256" style.
  std::string ToString() const;
};

struct EspProposalSpec {
  std::vector<EncrAlgorithm> encr;
  std::vector<uint16_t> integ;  // empty for AEAD-only
  bool extended_sequence_numbers = false;
  // A received proposal that lists both ESN values (RFC 7296 §3.3.2: the responder picks one);
  // libreswan offers ESN=1 first, then ESN=0. Never set in our own offers.
  bool either_sequence_numbers = false;
  bool AllowsSequenceNumbers(bool extended) const {
    return either_sequence_numbers || extended_sequence_numbers == extended;
  }
  friend bool operator==(const EspProposalSpec&, const EspProposalSpec&) = default;
};

struct EspSuiteChoice {
  EncrAlgorithm encr;
  uint16_t integ = 0;
  bool extended_sequence_numbers = false;
  friend bool operator==(const EspSuiteChoice&, const EspSuiteChoice&) = default;
  std::string ToString() const;
};

bool IsAeadEncr(uint16_t encr_id);

// Security strength in bits (NIST SP 800-57 style) of one chosen suite: the weakest of cipher,
// PRF, integrity and key exchange. Unknown algorithms count as 0.
int SuiteStrengthBits(const IkeSuiteChoice& suite);
// The weakest suite a proposal list allows (min over every combination it offers).
int WeakestStrengthBits(const std::vector<IkeProposalSpec>& proposals);
// Drops every combination weaker than `minimum_bits` from `proposals` (removing transforms whose
// own strength is below it, then proposals left without a transform of a required type).
std::vector<IkeProposalSpec> RestrictToMinimum(const std::vector<IkeProposalSpec>& proposals,
                                               int minimum_bits);

// Responder choice (RFC 7296 §2.7): walks the responder's own proposals in its preference order
// and returns the first combination the initiator also offered in one proposal, plus that
// proposal's 1-based number in the initiator's list. `preferred_group`, when set and acceptable,
// wins over the responder's group order (the group the initiator sent a KE for).
struct IkeChoice {
  IkeSuiteChoice suite;
  uint8_t proposal_number = 0;
};
std::optional<IkeChoice> ChooseIkeSuite(const std::vector<IkeProposalSpec>& offered,
                                        const std::vector<IkeProposalSpec>& acceptable,
                                        std::optional<uint16_t> preferred_group);
struct EspChoice {
  EspSuiteChoice suite;
  uint8_t proposal_number = 0;
};
std::optional<EspChoice> ChooseEspSuite(const std::vector<EspProposalSpec>& offered,
                                        const std::vector<EspProposalSpec>& acceptable);

// Whether `suite` is one of the combinations `offered` allows (initiator-side check of the
// responder's answer: it must pick something we offered).
bool OfferAllows(const std::vector<IkeProposalSpec>& offered, const IkeSuiteChoice& suite);
bool OfferAllows(const std::vector<EspProposalSpec>& offered, const EspSuiteChoice& suite);

}  // namespace ikewot::engine
