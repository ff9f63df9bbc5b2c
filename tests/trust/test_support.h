// Shared helpers for the trust and collection tests: deterministic identities (key +
// self-signed certificate) and a fixed clock.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/random.h"
#include "core/trust/entry.h"
#include "core/trust/trust_store.h"

namespace ikewot::trust::testing {

// Runs SQL directly on an SQLite store's file, as an attacker with write access (or a bug)
// would; SQLite's message goes to `error`. Closing the last connection checkpoints and removes
// the WAL.
inline int RawSql(const std::string& path, const std::string& sql, std::string* error = nullptr) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (error && message) *error = message;
  sqlite3_free(message);
  sqlite3_close(db);
  return rc;
}

// 2025-01-01T00:00:00Z: the tests' "now".
inline constexpr TimePoint kT0 = TimePoint::FromUnixSeconds(1735689600);
inline constexpr int64_t kDay = 86400;
inline TimePoint Days(int64_t n) { return kT0 + std::chrono::seconds(n * kDay); }

// A person in the tests: key, self-signed certificate, and an Endorser over them. Not movable
// (the Endorser points at the key), hence always held by unique_ptr.
struct Person {
  crypto::PrivateKey key;
  crypto::Certificate cert;
  std::optional<Endorser> endorser;

  const Bytes& fp() const { return cert.Sha256Fingerprint(); }
  const Bytes& der() const { return cert.ToDer(); }
};

inline std::unique_ptr<Person> MakePerson(const std::string& name, uint64_t seed,
                                          crypto::KeyType type = crypto::KeyType::kEcdsaP256,
                                          std::vector<std::string> sans = {},
                                          int validity_days = 3650, TimePoint now = kT0) {
  DeterministicRng rng(seed);
  auto key = crypto::PrivateKey::Generate(type, rng);
  EXPECT_TRUE(key.ok()) << key.error().ToString();
  crypto::SelfSignedOptions options;
  options.common_name = name;
  options.validity_days = validity_days;
  for (const std::string& s : sans) {
    auto san = crypto::ParseSubjectAltName(s);
    EXPECT_TRUE(san.ok()) << s;
    options.sans.push_back(*san);
  }
  auto cert = crypto::MakeSelfSigned(*key, options, now, rng);
  EXPECT_TRUE(cert.ok()) << cert.error().ToString();
  auto person = std::unique_ptr<Person>(new Person{std::move(*key), std::move(*cert), {}});
  auto endorser = Endorser::Create(person->key, person->cert);
  EXPECT_TRUE(endorser.ok()) << endorser.error().ToString();
  person->endorser.emplace(std::move(*endorser));
  return person;
}

// Opens, verifies and prepares a collection file as an importer with `me` as recipient.
inline Result<PreparedCollection> Prepare(ByteView file, const Person* me = nullptr) {
  Decryptor d;
  if (me) {
    d.key = &me->key;
    d.certificate = &me->cert;
  }
  auto opened = OpenCollection(file, d);
  if (!opened.ok()) return opened.error();
  return PrepareCollection(std::move(*opened));
}

inline DecisionQuery Query(const Person& peer, TimePoint now = kT0, std::string identity = "") {
  DecisionQuery q;
  q.certificate = peer.der();
  q.identity = std::move(identity);
  q.now = now;
  return q;
}

}  // namespace ikewot::trust::testing
