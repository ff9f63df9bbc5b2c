// Untrusted bytes into everything a shared collection file reaches: the CMS opener (shape
// check, decryption attempt, signature, strict forms), the TrustCollection and SignedEntry
// parsers, trust policies, certificate summaries and distinguished names.
// Invariants: nothing crashes or leaks; what parses re-encodes to exactly the same bytes (the
// formats have one encoding per meaning); a collection that opens has verified entries.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/random.h"
#include "core/trust/asn1_encode.h"
#include "core/trust/cert_summary.h"
#include "core/trust/collection.h"
#include "core/trust/entry.h"
#include "core/trust/policy.h"
#include "core/trust/store_types.h"

namespace {

using namespace ikewot;         // NOLINT: fuzz target brevity
using namespace ikewot::trust;  // NOLINT

void Require(bool condition) {
  if (!condition) std::abort();
}

// A recipient identity so that encrypted inputs go through the decryption path.
struct Recipient {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

const Recipient& FuzzRecipient() {
  static const Recipient* r = [] {
    DeterministicRng rng(7, AsBytes("fuzz_collection"));
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256, rng);
    crypto::SelfSignedOptions o;
    o.common_name = "fuzz";
    auto cert = crypto::MakeSelfSigned(*key, o, TimePoint::FromUnixSeconds(1735689600), rng);
    if (!key.ok() || !cert.ok()) std::abort();
    return new Recipient{std::move(*key), std::move(*cert)};
  }();
  return *r;
}

void CheckSignedEntry(const SignedEntry& e) {
  auto policy = EncodePolicy(e.tbs.policy);
  Require(policy.ok());
  auto tbs =
      asn1::EncodeEntryTbs(e.tbs.endorser, e.tbs.certificate, *policy, e.tbs.path, e.tbs.signed_at);
  Require(tbs.ok() && std::ranges::equal(*tbs, e.tbs_der()));
  Require(e.tbs.fingerprint == Sha256(e.tbs.certificate));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  CollectionLimits limits;
  limits.max_file_bytes = 1 << 20;
  limits.max_entries = 64;

  if (auto content = ParseCollectionContent(in, limits); content.ok()) {
    auto again = EncodeCollectionContent(*content);
    Require(again.ok() && *again == Bytes(in.begin(), in.end()));
    for (const SignedEntry& e : content->entries) CheckSignedEntry(e);
  }
  if (auto entry = ParseSignedEntry(in); entry.ok()) {
    CheckSignedEntry(*entry);
    (void)SummarizeCertificate(entry->tbs.certificate);
  }
  if (auto policy = DecodePolicy(in); policy.ok()) {
    auto again = EncodePolicy(*policy);
    Require(again.ok() && *again == Bytes(in.begin(), in.end()));
    (void)policy->Describe();
  }
  if (auto summary = SummarizeCertificate(in); summary.ok()) {
    Require(summary->fingerprint.size() == 32);
  }
  (void)FormatDistinguishedName(in);

  const Recipient& me = FuzzRecipient();
  Decryptor decryptor{&me.key, &me.cert};
  if (auto opened = OpenCollection(in, decryptor, limits); opened.ok()) {
    auto verifier = EntryVerifier::Create(opened->signer);
    Require(verifier.ok());
    for (const SignedEntry& e : opened->content.entries) Require(verifier->Verify(e).ok());
    (void)PrepareCollection(std::move(*opened));
  }
  return 0;
}
