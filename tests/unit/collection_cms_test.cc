// Collections are plain CMS: the `openssl cms` command line verifies and decrypts what ikewot
// writes, and ikewot opens what `openssl cms -encrypt` writes. These are the commands
// docs/collections.md gives to people without ikewot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/trust/collection.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::kT0;
using testing::MakePerson;
using testing::Person;

class CollectionCmsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("collection_cms_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    alice_ = MakePerson("alice", 1);
    bob_ = MakePerson("bob", 2);
    carol_ = MakePerson("carol", 3);
    rsa_ = MakePerson("rsa-recipient", 4, crypto::KeyType::kRsa2048);
    for (Person* p : {alice_.get(), bob_.get(), carol_.get(), rsa_.get()}) {
      const std::string name = p->cert.CommonName().value();
      Write(name + ".pem", AsBytes(p->cert.ToPem()));
      Write(name + ".key", AsBytes(*p->key.ToPkcs8Pem()));
    }
    CollectionContent c;
    c.sequence = 4;
    c.created = kT0.UnixSeconds();
    for (const Person* p : {bob_.get(), carol_.get()}) {
      auto e =
          alice_->endorser->Sign(EntryTbs::For(p->der(), Policy::ForIkeAuth(), kT0.UnixSeconds()));
      ASSERT_TRUE(e.ok());
      c.entries.push_back(*e);
    }
    content_ = *EncodeCollectionContent(c);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, ByteView data) const {
    std::ofstream out(Path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  Bytes Read(const std::string& name) const {
    std::ifstream in(Path(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }
  // Runs an openssl command line in the test directory; returns its exit status.
  int Openssl(const std::string& args) const {
    const std::string cmd = "cd '" + dir_.string() + "' && openssl " + args + " 2>stderr.txt";
    return WEXITSTATUS(std::system(cmd.c_str()));
  }
  Bytes Seal(const std::vector<const Person*>& to) const {
    std::vector<crypto::Certificate> recipients;
    for (const Person* p : to) recipients.push_back(p->cert);
    auto file = SealCollection(content_, *alice_->endorser, kT0, recipients);
    EXPECT_TRUE(file.ok()) << file.error().ToString();
    return *file;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Person> alice_, bob_, carol_, rsa_;
  Bytes content_;
};

TEST_F(CollectionCmsTest, OpensslVerifiesASignedCollection) {
  Write("alice.col", Seal({}));
  ASSERT_EQ(Openssl("cms -verify -inform DER -in alice.col -noverify -out content.der"), 0);
  EXPECT_EQ(Read("content.der"), content_);
  auto parsed = ParseCollectionContent(Read("content.der"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->entries.size(), 2u);
  // Pinning the signer: Alice's certificate as the only trust anchor.
  EXPECT_EQ(Openssl("cms -verify -inform DER -in alice.col -CAfile alice.pem -out pinned.der"), 0);
  EXPECT_NE(Openssl("cms -verify -inform DER -in alice.col -CAfile bob.pem -out x.der"), 0);
  Bytes tampered = Seal({});
  tampered[tampered.size() / 3] ^= 0x01;
  Write("tampered.col", tampered);
  EXPECT_NE(Openssl("cms -verify -inform DER -in tampered.col -noverify -out x.der"), 0);
}

TEST_F(CollectionCmsTest, OpensslDecryptsForEcAndRsaRecipientsOnly) {
  Write("enc.col", Seal({bob_.get(), rsa_.get()}));
  for (const char* who : {"bob", "rsa-recipient"}) {
    const std::string w(who);
    ASSERT_EQ(Openssl("cms -decrypt -inform DER -in enc.col -recip " + w + ".pem -inkey " + w +
                      ".key -out " + w + "-signed.der"),
              0)
        << who;
    ASSERT_EQ(Openssl("cms -verify -inform DER -in " + w + "-signed.der -noverify -out " + w +
                      "-content.der"),
              0);
    EXPECT_EQ(Read(w + "-content.der"), content_);
  }
  EXPECT_NE(Openssl("cms -decrypt -inform DER -in enc.col -recip carol.pem -inkey carol.key "
                    "-out carol.der"),
            0);
}

TEST_F(CollectionCmsTest, IkewotOpensWhatOpensslEncrypts) {
  Write("signed.col", Seal({}));
  ASSERT_EQ(Openssl("cms -encrypt -binary -inform DER -in signed.col -outform DER -out ec.col "
                    "-aes-256-gcm -recip bob.pem -keyopt ecdh_kdf_md:sha256"),
            0);
  ASSERT_EQ(Openssl("cms -encrypt -binary -in signed.col -outform DER -out rsa.col -aes-256-gcm "
                    "-recip rsa-recipient.pem -keyopt rsa_padding_mode:oaep "
                    "-keyopt rsa_oaep_md:sha256 -keyopt rsa_mgf1_md:sha256"),
            0);
  Decryptor bob{&bob_->key, &bob_->cert};
  auto ec = OpenCollection(Read("ec.col"), bob);
  ASSERT_TRUE(ec.ok()) << ec.error().ToString();
  EXPECT_TRUE(ec->encrypted);
  EXPECT_EQ(ec->content.entries.size(), 2u);
  Decryptor rsa{&rsa_->key, &rsa_->cert};
  auto r = OpenCollection(Read("rsa.col"), rsa);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  // OpenSSL's default SHA-1 KDF is not what we write, and is refused.
  ASSERT_EQ(Openssl("cms -encrypt -binary -in signed.col -outform DER -out sha1.col "
                    "-aes-256-gcm -recip bob.pem"),
            0);
  auto sha1 = OpenCollection(Read("sha1.col"), bob);
  ASSERT_FALSE(sha1.ok());
  EXPECT_NE(sha1.error().message.find("SHA-256 KDF"), std::string::npos);
}

}  // namespace
}  // namespace ikewot::trust
