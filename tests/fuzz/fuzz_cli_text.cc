// Untrusted text into the network commands' parsers: proposal strings (strongSwan syntax), KE
// group names, HOST[:PORT] and numeric addresses (also read from --targets files).
// Invariants: nothing crashes; every parsed IKE proposal is complete (encryption, PRF, group;
// integrity exactly when not AEAD); a parsed address formats and parses back to the same octets.
//
// The fuzz build links only ikewot_core, so the two parser units (which depend on nothing
// else) are compiled into this target directly.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/proposal_text.cc"  // NOLINT: see above
#include "driver/address.cc"     // NOLINT: see above

namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ikewot;  // NOLINT: fuzz target brevity
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ike = cli::ParseIkeProposals(text); ike.ok()) {
    Require(!ike->empty() && ike->size() <= 255);
    for (const auto& p : *ike) {
      Require(!p.encr.empty() && !p.prf.empty() && !p.ke_groups.empty());
      Require(p.integ.empty() == engine::IsAeadEncr(p.encr.front().id));
    }
  }
  if (auto esp = cli::ParseEspProposals(text); esp.ok()) {
    for (const auto& p : *esp) Require(!p.encr.empty());
  }
  (void)cli::ParseKeGroup(text);
  if (auto hp = driver::SplitHostPort(text); hp.ok()) Require(!hp->host.empty());
  if (auto address = driver::ParseIpAddress(text); address.ok()) {
    Require(address->size() == 4 || address->size() == 16);
    auto again = driver::ParseIpAddress(driver::FormatIpAddress(*address));
    Require(again.ok() && *again == *address);
  }
  return 0;
}
