// Building blocks of the trust store: strict DER reading, addresses, identities, certificate
// summaries (checked against crypto::Certificate and openssl) and trust policies.
#include <gtest/gtest.h>

#include "core/crypto/certificate_text.h"
#include "core/trust/address.h"
#include "core/trust/cert_summary.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"
#include "core/trust/policy.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::kDay;
using testing::kT0;
using testing::MakePerson;

TEST(DerTest, ReadsDefiniteMinimalLengths) {
  const Bytes long_form = [] {
    Bytes b = {0x04, 0x81, 0x80};
    b.resize(3 + 0x80, 0xaa);
    return b;
  }();
  Reader in(long_form);
  ByteView v;
  ASSERT_TRUE(der::ReadOctetString(in, &v, "x").ok());
  EXPECT_EQ(v.size(), 0x80u);

  const Bytes non_minimal = {0x04, 0x81, 0x01, 0xaa};
  Reader r1(non_minimal);
  auto s1 = der::ReadOctetString(r1, &v, "x");
  EXPECT_EQ(s1.code(), ErrorCode::kBadLength);
  EXPECT_NE(s1.error().message.find("short form"), std::string::npos);

  const Bytes leading_zero = {0x04, 0x82, 0x00, 0x90};
  Reader r2(leading_zero);
  EXPECT_EQ(der::ReadOctetString(r2, &v, "x").code(), ErrorCode::kBadLength);

  const Bytes indefinite = {0x30, 0x80, 0x00, 0x00};
  Reader r3(indefinite);
  der::Element e;
  EXPECT_EQ(der::ReadElement(r3, &e, "x").code(), ErrorCode::kBadLength);

  const Bytes truncated = {0x04, 0x05, 0x01, 0x02};
  Reader r4(truncated, 100);
  auto s4 = der::ReadOctetString(r4, &v, "blob");
  EXPECT_EQ(s4.code(), ErrorCode::kTruncated);
  EXPECT_EQ(s4.error().offset, 100u);
  EXPECT_NE(s4.error().message.find("promises 5 octets, only 2 remain"), std::string::npos);

  const Bytes high_tag = {0x1f, 0x81, 0x00};
  Reader r5(high_tag);
  EXPECT_EQ(der::ReadElement(r5, &e, "x").code(), ErrorCode::kUnsupported);
}

TEST(DerTest, IntegersAreMinimalAndNonNegative) {
  struct Case {
    Bytes der;
    bool ok;
    uint64_t value;
  };
  const std::vector<Case> cases = {
      {{0x02, 0x01, 0x00}, true, 0},
      {{0x02, 0x01, 0x7f}, true, 127},
      {{0x02, 0x02, 0x00, 0x80}, true, 128},
      {{0x02, 0x02, 0x00, 0x7f}, false, 0},  // not minimal
      {{0x02, 0x01, 0x80}, false, 0},        // negative
      {{0x02, 0x00}, false, 0},              // empty
      {{0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true, 0x7fffffffffffffffull},
      {{0x02, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0}, false, 0},  // 2^63
  };
  for (const Case& c : cases) {
    Reader in(c.der);
    uint64_t v = 0;
    Status s = der::ReadUint63(in, &v, "n");
    EXPECT_EQ(s.ok(), c.ok) << ToHex(c.der);
    if (c.ok) {
      EXPECT_EQ(v, c.value);
    }
  }
}

TEST(DerTest, TimesFollowTheRfc5280Profile) {
  auto read = [](uint8_t tag, const std::string& text, int64_t* out) {
    Bytes b = {tag, static_cast<uint8_t>(text.size())};
    b.insert(b.end(), text.begin(), text.end());
    Reader in(b);
    return der::ReadX509Time(in, out, "t");
  };
  int64_t t;
  ASSERT_TRUE(read(der::kGeneralizedTime, "20250101000000Z", &t).ok());
  EXPECT_EQ(t, 1735689600);
  ASSERT_TRUE(read(der::kUtcTime, "491231235959Z", &t).ok());
  EXPECT_EQ(t, 2524607999);  // 2049
  ASSERT_TRUE(read(der::kUtcTime, "500101000000Z", &t).ok());
  EXPECT_EQ(t, -631152000);  // 1950
  ASSERT_TRUE(read(der::kGeneralizedTime, "20240229120000Z", &t).ok());
  EXPECT_FALSE(read(der::kGeneralizedTime, "20230229120000Z", &t).ok());  // not a leap year
  EXPECT_FALSE(read(der::kGeneralizedTime, "20250101000000", &t).ok());   // no Z
  EXPECT_FALSE(read(der::kGeneralizedTime, "20250101000060Z", &t).ok());
  EXPECT_FALSE(read(der::kGeneralizedTime, "2025010100000.Z", &t).ok());
  auto parsed = der::ParseUnixTime("2025-01-01T00:00:00Z");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, 1735689600);
  EXPECT_EQ(*der::ParseUnixTime("2025-01-02"), 1735689600 + kDay);
  EXPECT_FALSE(der::ParseUnixTime("2025-13-01").ok());
  EXPECT_FALSE(der::ParseUnixTime("yesterday").ok());
}

TEST(DerTest, Utf8ValidationRejectsOverlongsAndSurrogates) {
  EXPECT_TRUE(der::IsValidUtf8("plain"));
  EXPECT_TRUE(der::IsValidUtf8("J\xc3\xbcrgen \xe2\x82\xac \xf0\x9f\x94\x91"));
  EXPECT_FALSE(der::IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(der::IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(der::IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(der::IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(DerTest, ShapeCheckBoundsElementsAndDepth) {
  Bytes nested;
  for (int i = 0; i < 40; ++i) nested.insert(nested.begin(), {0x30, static_cast<uint8_t>(2 * i)});
  EXPECT_TRUE(der::CheckShape(nested, 64, 100, "x").ok());
  EXPECT_EQ(der::CheckShape(nested, 10, 100, "x").code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(der::CheckShape(nested, 64, 20, "x").code(), ErrorCode::kLimitExceeded);
}

TEST(AddressTest, ParsesAndPrintsCanonically) {
  struct Case {
    std::string in, out;
  };
  for (const Case& c : std::vector<Case>{{"192.0.2.1", "192.0.2.1"},
                                         {"2001:DB8::1", "2001:db8::1"},
                                         {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                                         {"::", "::"},
                                         {"::ffff:192.0.2.1", "::ffff:c000:201"},
                                         {"1:0:0:0:0:0:0:0", "1::"}}) {
    auto a = IpAddress::Parse(c.in);
    ASSERT_TRUE(a.ok()) << c.in;
    EXPECT_EQ(a->ToString(), c.out);
  }
  for (const char* bad : {"192.0.2", "192.0.2.256", "192.0.02.1", "1::2::3",
                          ":1::", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", ""}) {
    EXPECT_FALSE(IpAddress::Parse(bad).ok()) << bad;
  }
}

TEST(AddressTest, PrefixesContainAndRoundTrip) {
  auto p = IpPrefix::Parse("192.0.2.0/24");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Contains(*IpAddress::Parse("192.0.2.200")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("192.0.3.1")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("::1")));
  EXPECT_TRUE(p->Contains(*IpPrefix::Parse("192.0.2.128/25")));
  EXPECT_FALSE(IpPrefix::Parse("192.0.2.1/24").ok());  // host bits set
  EXPECT_FALSE(IpPrefix::Parse("10.0.0.0/33").ok());
  auto v6 = IpPrefix::Parse("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  auto decoded = IpPrefix::Decode(v6->Encode());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, *v6);
  EXPECT_FALSE(IpPrefix::Decode(Bytes{192, 0, 2, 1, 24}).ok());
  EXPECT_FALSE(IpPrefix::Decode(Bytes{192, 0, 2, 0}).ok());
}

TEST(IdentityTest, CanonicalFormsMakeComparisonExact) {
  EXPECT_EQ(*CanonicalIdentity("dns:GW.Example.ORG."), "dns:gw.example.org");
  EXPECT_EQ(*CanonicalIdentity("email:Alice@EXAMPLE.org"), "email:Alice@example.org");
  EXPECT_EQ(*CanonicalIdentity("ip:2001:DB8::0:1"), "ip:2001:db8::1");
  EXPECT_EQ(*CanonicalIdentity("CN:Bob"), "cn:bob");
  EXPECT_EQ(*CanonicalIdentity("keyid:0A0B"), "keyid:0a0b");
  EXPECT_FALSE(CanonicalIdentity("bob").ok());
  EXPECT_FALSE(CanonicalIdentity("x500:bob").ok());
  EXPECT_FALSE(CanonicalIdentity("dns:bad name").ok());
  EXPECT_FALSE(CanonicalIdentity("cn:a\nb").ok());
  EXPECT_EQ(CandidateIdentities("192.0.2.7"), std::vector<std::string>{"ip:192.0.2.7"});
  EXPECT_EQ(CandidateIdentities("gw.example.org"),
            (std::vector<std::string>{"dns:gw.example.org", "cn:gw.example.org"}));
  EXPECT_EQ(CandidateIdentities("Bob"), std::vector<std::string>{"cn:bob"});
}

TEST(IdentityTest, IkeIdsMapToIdentities) {
  EXPECT_EQ(*IdentityFromIkeId(kIkeIdIpv4, Bytes{192, 0, 2, 9}), "ip:192.0.2.9");
  EXPECT_EQ(*IdentityFromIkeId(kIkeIdFqdn, AsBytes("GW.example.org")), "dns:gw.example.org");
  EXPECT_EQ(*IdentityFromIkeId(kIkeIdRfc822, AsBytes("a@B.org")), "email:a@b.org");
  EXPECT_EQ(*IdentityFromIkeId(kIkeIdKeyId, Bytes{1, 2}), "keyid:0102");
  EXPECT_EQ(IdentityFromIkeId(kIkeIdIpv4, Bytes{1, 2, 3}).code(), ErrorCode::kBadLength);
  auto person = MakePerson("dn-peer", 77);
  auto subject_der = person->cert.SubjectDer();
  EXPECT_EQ(*IdentityFromIkeId(kIkeIdDerAsn1Dn, subject_der), "dn:CN=dn-peer");
}

TEST(IdentityTest, NamePatterns) {
  EXPECT_EQ(*CanonicalNamePattern("dns:*.Example.org"), "dns:.example.org");
  EXPECT_TRUE(NamePatternMatches("dns:.example.org", "dns:gw.example.org"));
  EXPECT_TRUE(NamePatternMatches("dns:.example.org", "dns:a.b.example.org"));
  EXPECT_FALSE(NamePatternMatches("dns:.example.org", "dns:example.org"));
  EXPECT_FALSE(NamePatternMatches("dns:.example.org", "dns:badexample.org"));
  EXPECT_TRUE(NamePatternMatches("email:@example.org", "email:x@example.org"));
  EXPECT_FALSE(NamePatternMatches("email:@example.org", "email:x@sub.example.org"));
  EXPECT_TRUE(NamePatternMatches("cn:bob", "cn:bob"));
  EXPECT_FALSE(NamePatternMatches("cn:bob", "cn:bobby"));
}

TEST(CertSummaryTest, AgreesWithTheStrictCertificateParser) {
  auto p = MakePerson("Zoë Example", 5, crypto::KeyType::kEcdsaP256,
                      {"dns:zoe.example.org", "ip:192.0.2.5", "email:zoe@example.org",
                       "uri:https://example.org/zoe"});
  auto s = SummarizeCertificate(p->der());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->fingerprint, p->fp());
  EXPECT_EQ(s->common_name, "Zoë Example");
  EXPECT_EQ(s->subject, "CN=Zoë Example");
  EXPECT_EQ(s->not_before, p->cert.NotBefore());
  EXPECT_EQ(s->not_after, p->cert.NotAfter());
  EXPECT_TRUE(s->self_issued);
  EXPECT_EQ(s->identities,
            (std::vector<std::string>{"cn:zoë example", "dn:CN=Zoë Example", "dns:zoe.example.org",
                                      "email:zoe@example.org", "ip:192.0.2.5",
                                      "uri:https://example.org/zoe"}));
  EXPECT_EQ(FingerprintText(s->fingerprint).size(), 95u);
}

TEST(CertSummaryTest, EveryTruncationAndTrailingByteIsRefused) {
  auto p = MakePerson("trunc", 6);
  const Bytes& der = p->der();
  for (size_t n = 0; n < der.size(); ++n) {
    auto s = SummarizeCertificate(ByteView(der.data(), n));
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_FALSE(s.error().message.empty());
  }
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_EQ(SummarizeCertificate(longer).code(), ErrorCode::kTrailingData);
  EXPECT_EQ(SummarizeCertificate(Bytes(kMaxCertificateBytes + 1, 0x30)).code(),
            ErrorCode::kLimitExceeded);
}

TEST(CertSummaryTest, DistinguishedNamesFollowRfc4514) {
  // SEQUENCE { SET { O=Ex,+ }, SET { CN=" a#" , OU=b } } written by hand.
  const Bytes name = {0x30, 0x2a,                                            // Name
                      0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a,  // O
                      0x0c, 0x03, 'E',  'x',  ',',                           //   "Ex,"
                      0x31, 0x1a, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03,  // CN
                      0x0c, 0x04, ' ',  'a',  '#',  ' ',                     //   " a# "
                      0x30, 0x0b, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x02, 0x01,
                      0x05,  // 1.2.3.4 = INTEGER 5
                      0x13, 0x00};
  // The last ATV is malformed on purpose (trailing PrintableString) -> refused.
  EXPECT_FALSE(FormatDistinguishedName(name).ok());
  const Bytes good = {0x30, 0x27, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a,
                      0x0c, 0x03, 'E',  'x',  ',',  0x31, 0x17, 0x30, 0x0b, 0x06, 0x03,
                      0x55, 0x04, 0x03, 0x0c, 0x04, ' ',  'a',  '#',  ' ',  0x30, 0x08,
                      0x06, 0x03, 0x2a, 0x03, 0x04, 0x02, 0x01, 0x05};
  auto text = FormatDistinguishedName(good);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_EQ(*text, "CN=\\ a#\\ +1.2.3.4=#020105,O=Ex\\,");
}

TEST(PolicyTest, EncodesCanonicallyAndRoundTrips) {
  Policy p;
  p.purposes = {"ike-auth", "esp"};
  p.not_before = kT0.UnixSeconds();
  p.not_after = kT0.UnixSeconds() + 10 * kDay;
  p.addresses = {*IpPrefix::Parse("2001:db8::/32"), *IpPrefix::Parse("192.0.2.0/24")};
  p.names = {"dns:*.example.org", "cn:gw"};
  ASSERT_TRUE(p.Normalize().ok());
  EXPECT_EQ(p.purposes, (std::vector<std::string>{"esp", "ike-auth"}));
  EXPECT_EQ(p.names, (std::vector<std::string>{"cn:gw", "dns:.example.org"}));
  auto der = EncodePolicy(p);
  ASSERT_TRUE(der.ok());
  auto back = DecodePolicy(*der);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, p);
  for (size_t n = 0; n < der->size(); ++n)
    EXPECT_FALSE(DecodePolicy(ByteView(der->data(), n)).ok());
  // The empty policy is an empty SEQUENCE.
  EXPECT_EQ(*EncodePolicy(Policy{}), (Bytes{0x30, 0x00}));
  // Unsorted lists are not canonical and are refused.
  const Bytes unsorted = {0x30, 0x0a, 0xa2, 0x08, 0x0c, 0x01, 'z', 0x0c, 0x01, 'a', 0x30, 0x00};
  EXPECT_FALSE(DecodePolicy(ByteView(unsorted.data(), 10)).ok());
  const Bytes bad_purpose = {0x30, 0x05, 0xa2, 0x03, 0x0c, 0x01, 'A'};
  EXPECT_FALSE(DecodePolicy(bad_purpose).ok());
}

TEST(PolicyTest, ChecksEachCondition) {
  Policy p = Policy::ForIkeAuth();
  p.not_before = 1000;
  p.not_after = 2000;
  p.addresses = {*IpPrefix::Parse("192.0.2.0/24")};
  p.names = {"dns:.example.org"};
  ASSERT_TRUE(p.Normalize().ok());
  const auto in = IpAddress::Parse("192.0.2.9").value();
  const auto out = IpAddress::Parse("198.51.100.1").value();
  EXPECT_EQ(CheckPolicy(p, 1500, "ike-auth", in, "dns:gw.example.org").outcome, PolicyOutcome::kOk);
  EXPECT_EQ(CheckPolicy(p, 999, "ike-auth", in, "").outcome, PolicyOutcome::kNotYetValid);
  EXPECT_EQ(CheckPolicy(p, 2000, "ike-auth", in, "").outcome, PolicyOutcome::kExpired);
  EXPECT_EQ(CheckPolicy(p, 1500, "email", in, "").outcome, PolicyOutcome::kPurpose);
  EXPECT_EQ(CheckPolicy(p, 1500, "ike-auth", out, "").outcome, PolicyOutcome::kAddress);
  EXPECT_EQ(CheckPolicy(p, 1500, "ike-auth", std::nullopt, "").outcome, PolicyOutcome::kAddress);
  EXPECT_EQ(CheckPolicy(p, 1500, "ike-auth", in, "dns:gw.other.org").outcome, PolicyOutcome::kName);
  const PolicyCheck c = CheckPolicy(p, 1500, "ike-auth", out, "");
  EXPECT_NE(c.reason.find("198.51.100.1 is outside"), std::string::npos);
}

TEST(PolicyTest, IntersectionIsTheNarrowerPolicy) {
  Policy a = Policy::ForIkeAuth();
  a.not_after = 5000;
  a.addresses = {*IpPrefix::Parse("192.0.2.0/24")};
  a.names = {"dns:.example.org"};
  Policy b;
  b.purposes = {"esp", "ike-auth"};
  b.not_before = 100;
  b.not_after = 3000;
  b.addresses = {*IpPrefix::Parse("192.0.2.128/25")};
  b.names = {"dns:.a.example.org"};
  auto c = IntersectPolicies(a, b);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->purposes, std::vector<std::string>{"ike-auth"});
  EXPECT_EQ(*c->not_before, 100);
  EXPECT_EQ(*c->not_after, 3000);
  EXPECT_EQ(c->addresses, std::vector<IpPrefix>{*IpPrefix::Parse("192.0.2.128/25")});
  EXPECT_EQ(c->names, std::vector<std::string>{"dns:.a.example.org"});
  Policy disjoint;
  disjoint.purposes = {"esp"};
  EXPECT_FALSE(IntersectPolicies(a, disjoint));
  Policy late;
  late.not_before = 6000;
  EXPECT_FALSE(IntersectPolicies(a, late));
  EXPECT_EQ(*IntersectPolicies(a, Policy{}), a);
}

}  // namespace
}  // namespace ikewot::trust
