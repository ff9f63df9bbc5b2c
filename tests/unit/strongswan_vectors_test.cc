// Cross-checks ikewot against real IKEv2 exchanges captured between strongSwan 5.9.8 peers (and a
// libreswan 4.10 responder): tests/vectors/{strongswan,libreswan}/<case>/, made by
// tests/interop/capture/capture-*.sh and described in docs/test-vectors.md.
//
// For every case: the IKE_SA_INIT pair is parsed with ikev2::ParseMessage; SPIs, nonces and the
// suite come from the parsed messages, only g^ir comes from charon's log (keys.json). ikewot's
// DeriveIkeSaKeys must reproduce charon's SKEYSEED and SK_* byte for byte. With those keys every
// SK payload (and every set of RFC 7383 SKF fragments) is decrypted, its inner chain parsed and
// compared with the payload list charon logged for that message; the IKE_AUTH messages must carry
// the certificates and identities the capture script made, and their AUTH payloads must verify.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/crypto/auth_signature.h"
#include "core/crypto/certificate.h"
#include "core/crypto/ikev2_keys.h"
#include "core/crypto/sk_cipher.h"
#include "core/crypto/transforms.h"
#include "core/engine/auth_octets.h"
#include "core/ikev2/constants.h"
#include "core/ikev2/message.h"
#include "core/ikev2/payload.h"

namespace ikewot {
namespace {

namespace fs = std::filesystem;
using ikev2::Message;
using ikev2::Payload;
using ikev2::PayloadType;

// Every IKEv2 case the capture scripts produce. A missing folder fails its test: the vectors are
// committed, so absence means they were lost, not that this machine cannot capture.
constexpr const char* kIkev2Cases[] = {
    "strongswan/ikev2-ecdsa-x25519-aesgcm",
    "strongswan/ikev2-rsa-modp2048-aescbc",
    "strongswan/ikev2-chacha20-ecp384",
    "strongswan/ikev2-invalid-ke",
    "strongswan/ikev2-cookie",
    "strongswan/ikev2-fragmented",
    "strongswan/ikev2-nat",
    "strongswan/ikev2-libipsec-child",
    "libreswan/ikev2-ecdsa-ecp256-aesgcm",
};

constexpr std::string_view kRegenerateHint =
    "; regenerate with sudo tests/interop/capture/capture-strongswan.sh (see "
    "docs/test-vectors.md)";

// IKEWOT_VECTOR_ROOT points the test at a fresh capture (scripts/main.sh checks a live one).
fs::path VectorRoot() {
  const char* override_root = std::getenv("IKEWOT_VECTOR_ROOT");
  return fs::path(override_root && *override_root ? override_root : IKEWOT_TEST_DATA_DIR);
}

Result<Bytes> ReadFileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "cannot open " + path.string());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---------------------------------------------------------------------------------------------
// keys.json is written by Python's json.dump: objects, arrays, ASCII strings, integers, null.
// This reads exactly that subset into an ikewot::Json; anything else is an error.
class JsonSubsetParser {
 public:
  explicit JsonSubsetParser(std::string_view text) : text_(text) {}

  Result<Json> ParseDocument() {
    auto value = ParseValue(0);
    if (!value.ok()) return value;
    SkipSpace();
    if (pos_ != text_.size()) return Fail("trailing characters after the JSON value");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 16;

  Error Fail(std::string why) const {
    return MakeError(ErrorCode::kBadValue, "keys.json: " + std::move(why), pos_);
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<Json> ParseValue(int depth) {
    if (depth > kMaxDepth) return Fail("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Fail("value expected, input ended");
    const char c = text_[pos_];
    if (c == '{') return ParseObject(depth);
    if (c == '[') return ParseArray(depth);
    if (c == '"') {
      auto s = ParseString();
      if (!s.ok()) return s.error();
      return Json(std::move(*s));
    }
    if (ConsumeWord("null")) return Json(nullptr);
    if (ConsumeWord("true")) return Json(true);
    if (ConsumeWord("false")) return Json(false);
    if (c == '-' || (c >= '0' && c <= '9')) return ParseInteger();
    return Fail(std::string("unexpected character '") + c + "'");
  }

  Result<Json> ParseInteger() {
    bool negative = false;
    if (text_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    int64_t value = 0;
    size_t digits = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (++digits > 15) return Fail("integer too long");
      value = value * 10 + (text_[pos_++] - '0');
    }
    if (digits == 0) return Fail("digits expected");
    return Json(negative ? -value : value);
  }

  Result<std::string> ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) break;
        c = text_[pos_++];
        if (c != '"' && c != '\\' && c != '/') return Fail("unsupported string escape");
      }
      out.push_back(c);
    }
    if (pos_ >= text_.size()) return Fail("unterminated string");
    ++pos_;  // closing quote
    return out;
  }

  Result<Json> ParseArray(int depth) {
    ++pos_;
    Json array = Json::MakeArray();
    if (Consume(']')) return array;
    do {
      auto element = ParseValue(depth + 1);
      if (!element.ok()) return element;
      array.Push(std::move(*element));
    } while (Consume(','));
    if (!Consume(']')) return Fail("',' or ']' expected");
    return array;
  }

  Result<Json> ParseObject(int depth) {
    ++pos_;
    Json object = Json::MakeObject();
    if (Consume('}')) return object;
    do {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Fail("member name expected");
      auto name = ParseString();
      if (!name.ok()) return name.error();
      if (!Consume(':')) return Fail("':' expected");
      auto value = ParseValue(depth + 1);
      if (!value.ok()) return value;
      object.Set(std::move(*name), std::move(*value));
    } while (Consume(','));
    if (!Consume('}')) return Fail("',' or '}' expected");
    return object;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The names charon uses in its logs, to compare what ikewot parsed with what charon reported.

struct NamedId {
  uint16_t id;
  std::string_view name;
};

std::string CharonName(std::span<const NamedId> table, uint16_t id, std::string_view kind) {
  for (const NamedId& entry : table) {
    if (entry.id == id) return std::string(entry.name);
  }
  return "unlisted " + std::string(kind) + " " + std::to_string(id);
}

// charon's short notify names (strongSwan notify_payload.c) for the notifies in the vectors.
constexpr NamedId kCharonNotifyNames[] = {
    {14, "NO_PROP"},         {17, "INVAL_KE"},          {38, "TS_UNACCEPT"},
    {16384, "INIT_CONTACT"}, {16388, "NATD_S_IP"},      {16389, "NATD_D_IP"},
    {16390, "COOKIE"},       {16396, "MOBIKE_SUP"},     {16399, "NO_ADD_ADDR"},
    {16404, "MULT_AUTH"},    {16406, "REDIR_SUP"},      {16417, "EAP_ONLY"},
    {16418, "CHDLESS_SUP"},  {16420, "MSG_ID_SYN_SUP"}, {16430, "FRAG_SUP"},
    {16431, "HASH_ALG"},
};
// charon's names of the PRF and integrity transforms (keys.json "prf", "integrity").
constexpr NamedId kCharonPrfNames[] = {
    {crypto::kPrfHmacSha1, "PRF_HMAC_SHA1"},
    {crypto::kPrfHmacSha2_256, "PRF_HMAC_SHA2_256"},
    {crypto::kPrfHmacSha2_384, "PRF_HMAC_SHA2_384"},
    {crypto::kPrfHmacSha2_512, "PRF_HMAC_SHA2_512"},
};
constexpr NamedId kCharonIntegNames[] = {
    {crypto::kIntegHmacSha1_96, "HMAC_SHA1_96"},
    {crypto::kIntegHmacSha2_256_128, "HMAC_SHA2_256_128"},
    {crypto::kIntegHmacSha2_384_192, "HMAC_SHA2_384_192"},
    {crypto::kIntegHmacSha2_512_256, "HMAC_SHA2_512_256"},
};

// A payload list as charon prints it: "SA KE No N(NATD_S_IP) ...".
std::string CharonStyleSummary(const std::vector<Payload>& payloads) {
  std::string out;
  for (const Payload& payload : payloads) {
    if (!out.empty()) out += ' ';
    if (const auto* notify = payload.As<ikev2::NotifyPayload>()) {
      out += "N(" + CharonName(kCharonNotifyNames, static_cast<uint16_t>(notify->type), "notify") +
             ")";
    } else if (payload.type == PayloadType::kNonce) {
      out += "No";
    } else if (payload.type == PayloadType::kDelete) {
      out += "D";
    } else {
      out += std::string(ikev2::PayloadTypeName(static_cast<uint8_t>(payload.type)));
    }
  }
  return out;
}

// charon's names for the suite's transforms (keys.json "encryption", "prf", "integrity").
std::string CharonEncrName(const crypto::IkeSuite& suite) {
  switch (suite.encr_id) {
    case crypto::kEncrAesCbc:
      return "AES_CBC_" + std::to_string(suite.encr_key_bits);
    case crypto::kEncrAesGcm16:
      return "AES_GCM_16_" + std::to_string(suite.encr_key_bits);
    case crypto::kEncrChaCha20Poly1305:
      return "CHACHA20_POLY1305";
    default:
      return "unlisted cipher " + std::to_string(suite.encr_id);
  }
}

// ---------------------------------------------------------------------------------------------

// The negotiated suite from the responder's SA payload: one IKE proposal with exactly one
// ENCR, PRF and KE transform and at most one INTEG.
Result<crypto::IkeSuite> SuiteFromResponse(const Message& response) {
  const Payload* sa = ikev2::FindPayload(response.payloads, PayloadType::kSecurityAssociation);
  if (sa == nullptr) return MakeError(ErrorCode::kNotFound, "IKE_SA_INIT response has no SA");
  const auto& proposals = sa->As<ikev2::SaPayload>()->proposals;
  if (proposals.size() != 1 || proposals[0].protocol != ikev2::ProtocolId::kIke) {
    return MakeError(ErrorCode::kBadValue, "responder must choose exactly one IKE proposal");
  }
  crypto::IkeSuite suite;
  std::map<ikev2::TransformType, int> seen;
  for (const ikev2::Transform& t : proposals[0].transforms) {
    ++seen[t.type];
    switch (t.type) {
      case ikev2::TransformType::kEncryption:
        suite.encr_id = t.id;
        suite.encr_key_bits = t.KeyLength().value_or(0);
        break;
      case ikev2::TransformType::kPrf:
        suite.prf_id = t.id;
        break;
      case ikev2::TransformType::kIntegrity:
        suite.integ_id = t.id;
        break;
      case ikev2::TransformType::kKeyExchange:
        suite.dh_group = t.id;
        break;
      default:
        return MakeError(ErrorCode::kBadValue, "unexpected transform type in IKE SA");
    }
  }
  for (auto type : {ikev2::TransformType::kEncryption, ikev2::TransformType::kPrf,
                    ikev2::TransformType::kKeyExchange}) {
    if (seen[type] != 1) return MakeError(ErrorCode::kBadValue, "chosen proposal incomplete");
  }
  if (seen[ikev2::TransformType::kIntegrity] > 1) {
    return MakeError(ErrorCode::kBadValue, "more than one integrity transform chosen");
  }
  return suite;
}

const Bytes* NonceOf(const Message& message) {
  const Payload* nonce = ikev2::FindPayload(message.payloads, PayloadType::kNonce);
  return nonce == nullptr ? nullptr : &nonce->As<ikev2::NoncePayload>()->data;
}

// "IKE_AUTH request 1": the key charon's payload lists have in keys.json.
std::string MessageLabel(const ikev2::Header& header) {
  return std::string(ikev2::ExchangeTypeName(static_cast<uint8_t>(header.exchange_type))) +
         (header.response ? " response " : " request ") + std::to_string(header.message_id);
}

// One SK-protected message after decryption (several datagrams when it was fragmented).
struct DecryptedMessage {
  ikev2::Header header;
  std::vector<Payload> inner;
  std::vector<std::string> files;
};

// RFC 7383 fragments of one message, collected until all have arrived.
struct PendingFragments {
  uint8_t first_inner_payload = 0;
  std::map<uint16_t, Bytes> plaintexts;  // by fragment number
  std::vector<std::string> files;
};

class Ikev2VectorTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    dir_ = VectorRoot() / GetParam();
    ASSERT_TRUE(fs::is_directory(dir_)) << dir_ << " is missing" << kRegenerateHint;
    auto text = ReadFileBytes(dir_ / "keys.json");
    ASSERT_TRUE(text.ok()) << text.error().ToString() << kRegenerateHint;
    auto keys = JsonSubsetParser(
                    std::string_view(reinterpret_cast<const char*>(text->data()), text->size()))
                    .ParseDocument();
    ASSERT_TRUE(keys.ok()) << keys.error().ToString();
    keys_ = std::move(*keys);
    const Json* version = keys_.Find("ike_version");
    ASSERT_TRUE(version != nullptr && version->integer() != nullptr && *version->integer() == 2);

    ASSERT_NO_FATAL_FAILURE(
        LoadMessage(KeyString("ike_sa_init_request"), &init_request_bytes_, &init_request_));
    ASSERT_NO_FATAL_FAILURE(
        LoadMessage(KeyString("ike_sa_init_response"), &init_response_bytes_, &init_response_));
    ASSERT_EQ(init_request_.header.exchange_type, ikev2::ExchangeType::kIkeSaInit);
    ASSERT_EQ(init_response_.header.exchange_type, ikev2::ExchangeType::kIkeSaInit);
    ASSERT_FALSE(init_request_.header.response);
    ASSERT_TRUE(init_response_.header.response);

    auto suite = SuiteFromResponse(init_response_);
    ASSERT_TRUE(suite.ok()) << suite.error().ToString();
    suite_ = *suite;
    const Bytes* ni = NonceOf(init_request_);
    const Bytes* nr = NonceOf(init_response_);
    ASSERT_TRUE(ni != nullptr && nr != nullptr) << "IKE_SA_INIT without Nonce";
    ni_ = *ni;
    nr_ = *nr;
    auto shared = FromHex(KeyString("shared_secret"));
    ASSERT_TRUE(shared.ok());
    auto derived = crypto::DeriveIkeSaKeys(suite_, ni_, nr_, *shared, init_response_.header.spi_i,
                                           init_response_.header.spi_r);
    ASSERT_TRUE(derived.ok()) << derived.error().ToString();
    derived_ = std::move(*derived);
  }

  // A string member of keys.json; empty (and a test failure) when absent.
  std::string KeyString(std::string_view name) const {
    const Json* value = keys_.Find(name);
    if (value == nullptr || value->string() == nullptr) {
      ADD_FAILURE() << "keys.json has no string member " << name;
      return {};
    }
    return *value->string();
  }

  std::vector<std::string> KeyStringList(std::string_view name) const {
    std::vector<std::string> out;
    const Json* value = keys_.Find(name);
    if (value == nullptr || !value->is_array()) {
      ADD_FAILURE() << "keys.json has no array member " << name;
      return out;
    }
    for (const Json& element : value->array()) {
      if (element.string() != nullptr) out.push_back(*element.string());
    }
    return out;
  }

  // charon's payload list for a message, e.g. "IDr CERT AUTH N(NO_PROP)".
  std::optional<std::string> CharonPayloads(const std::string& label) const {
    const Json* all = keys_.Find("charon_payloads");
    if (all == nullptr) return std::nullopt;
    const Json* one = all->Find(label);
    if (one == nullptr || one->string() == nullptr) return std::nullopt;
    return *one->string();
  }

  void LoadMessage(const std::string& file, Bytes* bytes, Message* message) const {
    auto data = ReadFileBytes(dir_ / file);
    ASSERT_TRUE(data.ok()) << data.error().ToString();
    auto parsed = ikev2::ParseMessage(*data);
    ASSERT_TRUE(parsed.ok()) << file << ": " << parsed.error().ToString();
    *bytes = std::move(*data);
    *message = std::move(*parsed);
  }

  Result<crypto::SkCipher> CipherFor(bool from_initiator) const {
    return crypto::SkCipher::Create(suite_.encr_id, suite_.encr_key_bits, suite_.integ_id,
                                    from_initiator ? derived_.sk_ei : derived_.sk_er,
                                    from_initiator ? derived_.sk_ai : derived_.sk_ar);
  }

  // Decrypts every file keys.json lists as SK-protected, in capture order, reassembling SKF
  // fragments; each message's associated data is its datagram up to the IV.
  Result<std::vector<DecryptedMessage>> DecryptProtectedMessages() const {
    auto cipher_i = CipherFor(true);
    auto cipher_r = CipherFor(false);
    if (!cipher_i.ok()) return cipher_i.error();
    if (!cipher_r.ok()) return cipher_r.error();
    std::vector<DecryptedMessage> out;
    std::map<std::pair<uint32_t, bool>, PendingFragments> pending;
    for (const std::string& file : KeyStringList("sk_protected")) {
      auto datagram = ReadFileBytes(dir_ / file);
      if (!datagram.ok()) return datagram.error();
      auto message = ikev2::ParseMessage(*datagram);
      if (!message.ok()) return Annotate(file, message.error());
      if (message->payloads.empty()) return MakeError(ErrorCode::kNotFound, file + ": empty");
      const Payload& last = message->payloads.back();
      crypto::SkCipher& cipher = message->header.initiator ? *cipher_i : *cipher_r;
      const ByteView whole(*datagram);

      if (const auto* sk = last.As<ikev2::EncryptedPayload>()) {
        auto plain = cipher.Decrypt(whole.first(sk->data_offset), sk->data);
        if (!plain.ok()) return Annotate(file, plain.error());
        auto inner =
            ikev2::ParsePayloadChain(*plain, static_cast<uint8_t>(sk->first_inner_payload));
        if (!inner.ok()) return Annotate(file, inner.error());
        out.push_back({message->header, std::move(*inner), {file}});
        continue;
      }
      const auto* skf = last.As<ikev2::EncryptedFragmentPayload>();
      if (skf == nullptr) {
        return MakeError(ErrorCode::kNotFound, file + ": last payload is neither SK nor SKF");
      }
      auto plain = cipher.Decrypt(whole.first(skf->data_offset), skf->data);
      if (!plain.ok()) return Annotate(file, plain.error());
      auto key = std::make_pair(message->header.message_id, message->header.response);
      PendingFragments& fragments = pending[key];
      if (skf->fragment_number == 1) {
        fragments.first_inner_payload = static_cast<uint8_t>(skf->first_inner_payload);
      }
      fragments.plaintexts[skf->fragment_number] = std::move(*plain);
      fragments.files.push_back(file);
      if (fragments.plaintexts.size() < skf->total_fragments) continue;
      Bytes joined;
      for (uint16_t n = 1; n <= skf->total_fragments; ++n) {
        auto it = fragments.plaintexts.find(n);
        if (it == fragments.plaintexts.end()) {
          return MakeError(ErrorCode::kNotFound,
                           file + ": fragment " + std::to_string(n) + " missing");
        }
        joined.insert(joined.end(), it->second.begin(), it->second.end());
      }
      auto inner = ikev2::ParsePayloadChain(joined, fragments.first_inner_payload);
      if (!inner.ok()) return Annotate(file, inner.error());
      out.push_back({message->header, std::move(*inner), std::move(fragments.files)});
      pending.erase(key);
    }
    if (!pending.empty()) return MakeError(ErrorCode::kTruncated, "incomplete fragment set");
    return out;
  }

  static Error Annotate(const std::string& file, Error error) {
    error.message = file + ": " + error.message;
    return error;
  }

  fs::path dir_;
  Json keys_;
  Bytes init_request_bytes_, init_response_bytes_;
  Message init_request_, init_response_;
  crypto::IkeSuite suite_;
  Bytes ni_, nr_;
  crypto::IkeSaKeys derived_;
};

TEST_P(Ikev2VectorTest, ParsedExchangeMatchesWhatCharonLogged) {
  // SPIs and nonces: parsed from the datagrams here, recovered from charon's AUTH octets dump by
  // extract_keys.py -- two independent paths to the same values.
  EXPECT_EQ(init_request_.header.spi_i, init_response_.header.spi_i);
  EXPECT_EQ(init_request_.header.spi_r, 0u);
  Bytes spi_i, spi_r;
  Writer(&spi_i).U64(init_response_.header.spi_i);
  Writer(&spi_r).U64(init_response_.header.spi_r);
  EXPECT_EQ(ToHex(spi_i), KeyString("spi_i"));
  EXPECT_EQ(ToHex(spi_r), KeyString("spi_r"));
  EXPECT_EQ(ToHex(ni_), KeyString("ni"));
  EXPECT_EQ(ToHex(nr_), KeyString("nr"));

  EXPECT_EQ(CharonEncrName(suite_), KeyString("encryption"));
  EXPECT_EQ(CharonName(kCharonPrfNames, suite_.prf_id, "prf"), KeyString("prf"));
  const Json* integ = keys_.Find("integrity");
  ASSERT_NE(integ, nullptr);
  if (suite_.integ_id == crypto::kIntegNone) {
    EXPECT_TRUE(integ->is_null());
  } else {
    EXPECT_EQ(CharonName(kCharonIntegNames, suite_.integ_id, "integrity"), KeyString("integrity"));
  }
  const Json* group = keys_.Find("dh_group_number");
  ASSERT_TRUE(group != nullptr && group->integer() != nullptr);
  EXPECT_EQ(suite_.dh_group, *group->integer());
  for (const Message* m : {&init_request_, &init_response_}) {
    const Payload* ke = ikev2::FindPayload(m->payloads, PayloadType::kKeyExchange);
    ASSERT_NE(ke, nullptr);
    EXPECT_EQ(ke->As<ikev2::KePayload>()->dh_group, suite_.dh_group);
  }

  EXPECT_EQ(CharonStyleSummary(init_request_.payloads),
            CharonPayloads("IKE_SA_INIT request 0").value_or("(not in keys.json)"));
  EXPECT_EQ(CharonStyleSummary(init_response_.payloads),
            CharonPayloads("IKE_SA_INIT response 0").value_or("(not in keys.json)"));

  // Byte-exact round trip of what real peers sent.
  auto request_again = ikev2::SerializeMessage(init_request_);
  ASSERT_TRUE(request_again.ok()) << request_again.error().ToString();
  EXPECT_EQ(*request_again, init_request_bytes_);
  auto response_again = ikev2::SerializeMessage(init_response_);
  ASSERT_TRUE(response_again.ok()) << response_again.error().ToString();
  EXPECT_EQ(*response_again, init_response_bytes_);
}

TEST_P(Ikev2VectorTest, DerivesCharonsIkeSaKeys) {
  EXPECT_EQ(ToHex(derived_.skeyseed), KeyString("skeyseed"));
  EXPECT_EQ(ToHex(derived_.sk_d), KeyString("sk_d"));
  EXPECT_EQ(ToHex(derived_.sk_ai), KeyString("sk_ai"));
  EXPECT_EQ(ToHex(derived_.sk_ar), KeyString("sk_ar"));
  EXPECT_EQ(ToHex(derived_.sk_ei), KeyString("sk_ei"));
  EXPECT_EQ(ToHex(derived_.sk_er), KeyString("sk_er"));
  EXPECT_EQ(ToHex(derived_.sk_pi), KeyString("sk_pi"));
  EXPECT_EQ(ToHex(derived_.sk_pr), KeyString("sk_pr"));
}

TEST_P(Ikev2VectorTest, DecryptsEveryProtectedMessageToWhatCharonLogged) {
  auto decrypted = DecryptProtectedMessages();
  ASSERT_TRUE(decrypted.ok()) << decrypted.error().ToString();
  size_t files = 0;
  std::set<std::string> labels;
  for (const DecryptedMessage& m : *decrypted) {
    files += m.files.size();
    const std::string label = MessageLabel(m.header);
    labels.insert(label);
    auto expected = CharonPayloads(label);
    ASSERT_TRUE(expected.has_value()) << "charon logged no " << label;
    EXPECT_EQ(CharonStyleSummary(m.inner), *expected) << label << " in " << m.files.front();
  }
  EXPECT_EQ(files, KeyStringList("sk_protected").size());
  EXPECT_TRUE(labels.count("IKE_AUTH request 1") == 1 && labels.count("IKE_AUTH response 1") == 1);
}

TEST_P(Ikev2VectorTest, TamperedCiphertextIsRefused) {
  const std::vector<std::string> files = KeyStringList("sk_protected");
  ASSERT_FALSE(files.empty());
  auto datagram = ReadFileBytes(dir_ / files.front());
  ASSERT_TRUE(datagram.ok());
  auto message = ikev2::ParseMessage(*datagram);
  ASSERT_TRUE(message.ok());
  const Payload& last = message->payloads.back();
  size_t offset = 0;
  Bytes data;
  if (const auto* sk = last.As<ikev2::EncryptedPayload>()) {
    offset = sk->data_offset;
    data = sk->data;
  } else {
    const auto* skf = last.As<ikev2::EncryptedFragmentPayload>();
    ASSERT_NE(skf, nullptr);
    offset = skf->data_offset;
    data = skf->data;
  }
  auto cipher = CipherFor(message->header.initiator);
  ASSERT_TRUE(cipher.ok());
  const ByteView associated = ByteView(*datagram).first(offset);
  ASSERT_TRUE(cipher->Decrypt(associated, data).ok());
  Bytes flipped = data;
  flipped[flipped.size() / 2] ^= 0x01;
  EXPECT_EQ(cipher->Decrypt(associated, flipped).code(), ErrorCode::kAuthFailure);
  Bytes other_header(associated.begin(), associated.end());
  other_header[19] ^= 0x08;  // the I flag: covered as associated data
  EXPECT_EQ(cipher->Decrypt(other_header, data).code(), ErrorCode::kAuthFailure);
}

// The body of an ID payload as AUTH covers it: ID Type | RESERVED | Identification Data.
Bytes IdPayloadBody(const ikev2::IdPayload& id) {
  Bytes body;
  Writer w(&body);
  EXPECT_TRUE(ikev2::WriteIdPayload(id, w).ok());
  return body;
}

class IkeAuthContents {
 public:
  explicit IkeAuthContents(const std::vector<Payload>& payloads) : payloads_(payloads) {}
  const ikev2::IdPayload* Id(PayloadType type) const {
    const Payload* p = ikev2::FindPayload(payloads_, type);
    return p == nullptr ? nullptr : p->As<ikev2::IdPayload>();
  }
  const ikev2::CertPayload* FirstCert() const {
    const Payload* p = ikev2::FindPayload(payloads_, PayloadType::kCertificate);
    return p == nullptr ? nullptr : p->As<ikev2::CertPayload>();
  }
  const ikev2::AuthPayload* Auth() const {
    const Payload* p = ikev2::FindPayload(payloads_, PayloadType::kAuthentication);
    return p == nullptr ? nullptr : p->As<ikev2::AuthPayload>();
  }
  const ikev2::TsPayload* Ts(PayloadType type) const {
    const Payload* p = ikev2::FindPayload(payloads_, type);
    return p == nullptr ? nullptr : p->As<ikev2::TsPayload>();
  }

 private:
  const std::vector<Payload>& payloads_;
};

std::string AsText(const Bytes& data) { return std::string(data.begin(), data.end()); }

void ExpectSingleHostSelector(const ikev2::TsPayload* ts, const Bytes& address) {
  ASSERT_NE(ts, nullptr);
  ASSERT_EQ(ts->selectors.size(), 1u);
  EXPECT_EQ(ts->selectors[0].start_address, address);
  EXPECT_EQ(ts->selectors[0].end_address, address);
}

TEST_P(Ikev2VectorTest, IkeAuthCarriesTheCapturedIdentitiesCertificatesAndSelectors) {
  auto decrypted = DecryptProtectedMessages();
  ASSERT_TRUE(decrypted.ok()) << decrypted.error().ToString();
  const DecryptedMessage* request = nullptr;
  const DecryptedMessage* response = nullptr;
  for (const DecryptedMessage& m : *decrypted) {
    if (m.header.exchange_type != ikev2::ExchangeType::kIkeAuth) continue;
    (m.header.response ? response : request) = &m;
  }
  ASSERT_TRUE(request != nullptr && response != nullptr);
  auto initiator_der = ReadFileBytes(dir_ / "initiator.der");
  auto responder_der = ReadFileBytes(dir_ / "responder.der");
  ASSERT_TRUE(initiator_der.ok() && responder_der.ok());

  IkeAuthContents req(request->inner);
  const ikev2::IdPayload* idi = req.Id(PayloadType::kIdInitiator);
  ASSERT_NE(idi, nullptr);
  EXPECT_EQ(idi->type, ikev2::IdType::kFqdn);
  EXPECT_EQ(AsText(idi->data), "initiator.ikewot.test");
  const ikev2::IdPayload* idr_wanted = req.Id(PayloadType::kIdResponder);
  ASSERT_NE(idr_wanted, nullptr);
  EXPECT_EQ(AsText(idr_wanted->data), "responder.ikewot.test");
  ASSERT_NE(req.FirstCert(), nullptr);
  EXPECT_EQ(req.FirstCert()->encoding, ikev2::CertEncoding::kX509Signature);
  EXPECT_EQ(req.FirstCert()->data, *initiator_der);
  ExpectSingleHostSelector(req.Ts(PayloadType::kTsInitiator), Bytes{198, 51, 100, 1});
  ExpectSingleHostSelector(req.Ts(PayloadType::kTsResponder), Bytes{203, 0, 113, 1});

  IkeAuthContents resp(response->inner);
  const ikev2::IdPayload* idr = resp.Id(PayloadType::kIdResponder);
  ASSERT_NE(idr, nullptr);
  EXPECT_EQ(idr->type, ikev2::IdType::kFqdn);
  EXPECT_EQ(AsText(idr->data), "responder.ikewot.test");
  ASSERT_NE(resp.FirstCert(), nullptr);
  EXPECT_EQ(resp.FirstCert()->data, *responder_der);
}

TEST_P(Ikev2VectorTest, AuthPayloadsVerifyWithTheCapturedCertificates) {
  auto decrypted = DecryptProtectedMessages();
  ASSERT_TRUE(decrypted.ok()) << decrypted.error().ToString();
  int verified = 0;
  for (const DecryptedMessage& m : *decrypted) {
    if (m.header.exchange_type != ikev2::ExchangeType::kIkeAuth) continue;
    const bool initiator = !m.header.response;
    IkeAuthContents contents(m.inner);
    const ikev2::IdPayload* id =
        contents.Id(initiator ? PayloadType::kIdInitiator : PayloadType::kIdResponder);
    const ikev2::AuthPayload* auth = contents.Auth();
    ASSERT_TRUE(id != nullptr && auth != nullptr);
    // RFC 7296 §2.15: each side signs its own first message, the peer's nonce and
    // prf(SK_px, its ID payload body).
    auto octets = engine::AuthSignedOctets(
        suite_.prf_id, initiator ? init_request_bytes_ : init_response_bytes_,
        initiator ? nr_ : ni_, initiator ? derived_.sk_pi : derived_.sk_pr, IdPayloadBody(*id));
    ASSERT_TRUE(octets.ok()) << octets.error().ToString();
    auto der = ReadFileBytes(dir_ / (initiator ? "initiator.der" : "responder.der"));
    ASSERT_TRUE(der.ok());
    auto cert = crypto::Certificate::FromDer(*der);
    ASSERT_TRUE(cert.ok()) << cert.error().ToString();
    auto key = cert->public_key();
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    const std::vector<uint16_t> hashes = crypto::SupportedSignatureHashes();
    Status status =
        crypto::VerifyAuth(*key, static_cast<uint8_t>(auth->method), auth->data, *octets, hashes);
    EXPECT_TRUE(status.ok()) << MessageLabel(m.header) << ": " << status.error().ToString();
    Bytes altered = *octets;
    altered.back() ^= 0x80;
    EXPECT_EQ(
        crypto::VerifyAuth(*key, static_cast<uint8_t>(auth->method), auth->data, altered, hashes)
            .code(),
        ErrorCode::kAuthFailure);
    ++verified;
  }
  EXPECT_EQ(verified, 2);
}

INSTANTIATE_TEST_SUITE_P(Captured, Ikev2VectorTest, ::testing::ValuesIn(kIkev2Cases),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           std::replace_if(
                               name.begin(), name.end(), [](char c) { return !std::isalnum(c); },
                               '_');
                           return name;
                         });

// Every IKEv2 case on disk is in kIkev2Cases, so a newly captured case is never skipped.
TEST(StrongswanVectorsTest, EveryCapturedIkev2CaseIsChecked) {
  const std::set<std::string> listed(std::begin(kIkev2Cases), std::end(kIkev2Cases));
  size_t found = 0;
  for (const char* implementation : {"strongswan", "libreswan"}) {
    const fs::path root = VectorRoot() / implementation;
    ASSERT_TRUE(fs::is_directory(root)) << root << " is missing" << kRegenerateHint;
    for (const auto& entry : fs::directory_iterator(root)) {
      auto text = ReadFileBytes(entry.path() / "keys.json");
      ASSERT_TRUE(text.ok()) << text.error().ToString();
      auto keys = JsonSubsetParser(
                      std::string_view(reinterpret_cast<const char*>(text->data()), text->size()))
                      .ParseDocument();
      ASSERT_TRUE(keys.ok()) << keys.error().ToString();
      const Json* version = keys->Find("ike_version");
      ASSERT_TRUE(version != nullptr && version->integer() != nullptr);
      if (*version->integer() != 2) continue;
      ++found;
      const std::string name = std::string(implementation) + "/" + entry.path().filename().string();
      EXPECT_EQ(listed.count(name), 1u) << name << " is not in kIkev2Cases";
    }
  }
  EXPECT_EQ(found, listed.size());
}

TEST(StrongswanVectorsTest, JsonSubsetParserRejectsWhatItDoesNotUnderstand) {
  for (std::string_view bad : {"", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "{\"a\": 1.5}",
                               "{\"a\": \"\\u0041\"}", "{} x", "\"open"}) {
    EXPECT_FALSE(JsonSubsetParser(bad).ParseDocument().ok()) << bad;
  }
  auto good =
      JsonSubsetParser(R"({"a": [ "x", null ], "b": {"c": -12}, "d": true})").ParseDocument();
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  ASSERT_NE(good->Find("b"), nullptr);
  ASSERT_NE(good->Find("b")->Find("c"), nullptr);
  EXPECT_EQ(*good->Find("b")->Find("c")->integer(), -12);
  EXPECT_EQ(good->Find("a")->array().size(), 2u);
}

}  // namespace
}  // namespace ikewot
