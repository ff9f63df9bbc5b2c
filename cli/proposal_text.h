// Algorithm proposals written the way strongSwan users write them (swanctl.conf "proposals",
// ipsec.conf "ike=" / "esp="): transforms joined by '-', proposals separated by ',', e.g.
//   aes256gcm16-prfsha256-x25519,aes128-sha256-ecp256
// IKE proposals need a KE group and (for AEAD) a PRF; without a PRF a non-AEAD proposal takes
// the PRFs matching its integrity algorithms, as strongSwan does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/engine/proposals.h"

namespace ikewot::cli {

Result<std::vector<engine::IkeProposalSpec>> ParseIkeProposals(std::string_view text);
Result<std::vector<engine::EspProposalSpec>> ParseEspProposals(std::string_view text);
// One KE group name ("x25519", "ecp256", "modp3072", ...) or its IANA number.
Result<uint16_t> ParseKeGroup(std::string_view text);

// What `ikewot probe` and `connect` offer when no --ike / --esp is given: AEAD and CBC+HMAC
// suites with every group of at least 128-bit strength, X25519 first.
std::vector<engine::IkeProposalSpec> DefaultIkeProposals();
// The restricted list a probe falls back to when the large default gets no answer.
std::vector<engine::IkeProposalSpec> DefaultFallbackProposals();
std::vector<engine::EspProposalSpec> DefaultEspProposals();

}  // namespace ikewot::cli
