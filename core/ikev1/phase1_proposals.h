// Phase-1 proposals (RFC 2409 §5, Appendix A; RFC 2408 §3.4-§3.6): the ISAKMP SA payload we
// offer -- one proposal whose transforms are complete suites in order of preference -- and the
// reading of the single transform a responder accepts.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/status.h"
#include "core/ikev1/payloads.h"
#include "core/ikev1/phase1_keys.h"

namespace ikewot::ikev1 {

inline constexpr uint32_t kDefaultPhase1Lifetime = 28800;  // seconds, what everybody sends

struct Phase1OfferOptions {
  // Only these groups (aggressive mode: exactly the group of the KE payload we send).
  std::vector<uint16_t> groups = {19, 14, 20};
  // MODP-1024 (group 2): broken by 2010s standards, offered only when asked for.
  bool include_group2 = false;
  // Signature methods offered; a probe cannot know which key type the responder has.
  std::vector<AuthenticationMethod> auth_methods = {AuthenticationMethod::kRsaSignature,
                                                    AuthenticationMethod::kEcdsaSha256P256,
                                                    AuthenticationMethod::kEcdsaSha384P384};
};

// Our suites in preference order: AES-CBC-256, then -128; for each, SHA2-256, SHA2-384, SHA-1
// paired with the offered groups; each with every auth method. Group 2 (with SHA-1) last.
std::vector<Phase1Suite> DefaultPhase1Suites(const Phase1OfferOptions& options);

// One ISAKMP proposal (protocol ISAKMP, no SPI) with a KEY_IKE transform per suite, numbered
// from 1; life type seconds and the lifetime as a basic attribute.
SaPayload BuildPhase1Sa(const std::vector<Phase1Suite>& suites);

// Reads a transform's attributes into a suite. Syntax errors (missing or duplicate classes,
// variable-length values where a number is needed) are kBadValue; values we do not implement
// are kUnsupported.
Result<Phase1Suite> SuiteFromTransform(const Transform& transform);

// The responder's answer must be exactly one proposal with one transform that equals a suite we
// offered (RFC 2408 §4.2: it returns one of ours). kBadValue otherwise, naming the difference.
Result<Phase1Suite> AcceptedSuite(const SaPayload& answer, const std::vector<Phase1Suite>& offered);

}  // namespace ikewot::ikev1
