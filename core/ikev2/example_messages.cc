#include "core/ikev2/example_messages.h"

namespace ikewot::ikev2 {
namespace {

constexpr uint64_t kExampleSpiI = 0x3123a54fd2509e49;
constexpr uint64_t kExampleSpiR = 0x38ac10d1d2c2ae7a;

Bytes U16Bytes(std::initializer_list<uint16_t> values) {
  Bytes out;
  for (uint16_t v : values) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

Proposal IkeProposal(uint8_t number, std::vector<Transform> transforms) {
  Proposal proposal;
  proposal.number = number;
  proposal.protocol = ProtocolId::kIke;
  proposal.transforms = std::move(transforms);
  return proposal;
}

Transform Encr(EncrId id, uint16_t key_bits) {
  return MakeTransform(TransformType::kEncryption, static_cast<uint16_t>(id), key_bits);
}
Transform Prf(PrfId id) { return MakeTransform(TransformType::kPrf, static_cast<uint16_t>(id)); }
Transform Integ(IntegId id) {
  return MakeTransform(TransformType::kIntegrity, static_cast<uint16_t>(id));
}
Transform Ke(DhGroup id) {
  return MakeTransform(TransformType::kKeyExchange, static_cast<uint16_t>(id));
}

Header MakeHeader(ExchangeType exchange, uint32_t message_id, bool response, uint64_t spi_r) {
  Header header;
  header.spi_i = kExampleSpiI;
  header.spi_r = spi_r;
  header.exchange_type = exchange;
  header.message_id = message_id;
  header.response = response;
  header.initiator = !response;
  return header;
}

}  // namespace

Bytes PatternBytes(size_t size, uint8_t seed) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed + 7 * i);
  return out;
}

Message ExampleIkeSaInitRequest() {
  Message message;
  message.header = MakeHeader(ExchangeType::kIkeSaInit, 0, false, 0);
  SaPayload sa;
  sa.proposals.push_back(IkeProposal(1, {Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256),
                                         Ke(DhGroup::kCurve25519), Ke(DhGroup::kEcp256)}));
  sa.proposals.push_back(
      IkeProposal(2, {Encr(EncrId::kAesCbc, 256), Integ(IntegId::kHmacSha2_256_128),
                      Prf(PrfId::kHmacSha2_256), Ke(DhGroup::kModp2048)}));
  message.payloads.push_back(MakePayload(std::move(sa)));
  message.payloads.push_back(MakePayload(
      KePayload{static_cast<uint16_t>(DhGroup::kCurve25519), PatternBytes(32, 0x11), 0}));
  message.payloads.push_back(MakePayload(NoncePayload{PatternBytes(32, 0x22)}));
  message.payloads.push_back(
      MakePayload(MakeNotify(NotifyType::kNatDetectionSourceIp, PatternBytes(20, 0x33))));
  message.payloads.push_back(
      MakePayload(MakeNotify(NotifyType::kNatDetectionDestinationIp, PatternBytes(20, 0x44))));
  message.payloads.push_back(MakePayload(MakeNotify(NotifyType::kIkev2FragmentationSupported)));
  message.payloads.push_back(
      MakePayload(MakeNotify(NotifyType::kSignatureHashAlgorithms, U16Bytes({2, 3, 4}))));
  message.payloads.push_back(MakePayload(VendorIdPayload{PatternBytes(16, 0x55)}));
  return message;
}

Message ExampleIkeSaInitResponse() {
  Message message;
  message.header = MakeHeader(ExchangeType::kIkeSaInit, 0, true, kExampleSpiR);
  SaPayload sa;
  sa.proposals.push_back(IkeProposal(
      1, {Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256), Ke(DhGroup::kCurve25519)}));
  message.payloads.push_back(MakePayload(std::move(sa)));
  message.payloads.push_back(MakePayload(
      KePayload{static_cast<uint16_t>(DhGroup::kCurve25519), PatternBytes(32, 0x66), 0}));
  message.payloads.push_back(MakePayload(NoncePayload{PatternBytes(32, 0x77)}));
  message.payloads.push_back(
      MakePayload(MakeNotify(NotifyType::kNatDetectionSourceIp, PatternBytes(20, 0x88))));
  message.payloads.push_back(
      MakePayload(MakeNotify(NotifyType::kNatDetectionDestinationIp, PatternBytes(20, 0x99))));
  message.payloads.push_back(MakePayload(MakeNotify(NotifyType::kIkev2FragmentationSupported)));
  message.payloads.push_back(
      MakePayload(CertReqPayload{CertEncoding::kX509Signature, PatternBytes(40, 0xaa)}));
  return message;
}

std::vector<Payload> ExampleIkeAuthInnerPayloads() {
  std::vector<Payload> payloads;
  payloads.push_back(MakePayload(PayloadType::kIdInitiator,
                                 IdPayload{IdType::kDerAsn1Dn, PatternBytes(60, 0x01), 0}));
  payloads.push_back(
      MakePayload(CertPayload{CertEncoding::kX509Signature, PatternBytes(600, 0x02)}));
  payloads.push_back(
      MakePayload(CertReqPayload{CertEncoding::kX509Signature, PatternBytes(20, 0x03)}));
  // RFC 7427 Appendix A.3.2: AlgorithmIdentifier of ecdsa-with-SHA256.
  Bytes algorithm = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
  Result<Bytes> auth_data =
      SerializeDigitalSignatureData(DigitalSignatureData{algorithm, PatternBytes(72, 0x04)});
  payloads.push_back(
      MakePayload(AuthPayload{AuthMethod::kDigitalSignature, std::move(auth_data).value(), 0}));
  payloads.push_back(MakePayload(MakeNotify(NotifyType::kInitialContact)));
  Proposal esp;
  esp.number = 1;
  esp.protocol = ProtocolId::kEsp;
  esp.spi = {0xc1, 0x5e, 0x0f, 0x42};
  esp.transforms = {
      Encr(EncrId::kAesGcm16, 256),
      MakeTransform(TransformType::kSequenceNumbers, static_cast<uint16_t>(EsnId::kNoEsn))};
  payloads.push_back(MakePayload(SaPayload{{esp}}));
  TsPayload tsi;
  tsi.selectors.push_back(MakeAddressRangeSelector(0, 0, 65535, {192, 0, 2, 1}, {192, 0, 2, 1}));
  TsPayload tsr;
  tsr.selectors.push_back(MakeAddressRangeSelector(0, 0, 65535, {192, 0, 2, 2}, {192, 0, 2, 2}));
  Bytes v6_low(16, 0), v6_high(16, 0xff);
  v6_low[0] = 0x20;
  v6_low[1] = 0x01;
  v6_low[2] = 0x0d;
  v6_low[3] = 0xb8;
  tsr.selectors.push_back(MakeAddressRangeSelector(17, 500, 4500, v6_low, v6_high));
  payloads.push_back(MakePayload(PayloadType::kTsInitiator, std::move(tsi)));
  payloads.push_back(MakePayload(PayloadType::kTsResponder, std::move(tsr)));
  ConfigurationPayload cp;
  cp.type = CfgType::kRequest;
  cp.attributes = {{static_cast<uint16_t>(CfgAttributeType::kInternalIp4Address), {}, false},
                   {static_cast<uint16_t>(CfgAttributeType::kInternalIp4Dns), {}, false}};
  payloads.push_back(MakePayload(std::move(cp)));
  return payloads;
}

Message ExampleIkeAuthRequest(size_t ciphertext_size) {
  Message message;
  message.header = MakeHeader(ExchangeType::kIkeAuth, 1, false, kExampleSpiR);
  EncryptedPayload sk;
  sk.first_inner_payload = PayloadType::kIdInitiator;
  sk.data = PatternBytes(ciphertext_size, 0x5a);
  message.payloads.push_back(MakePayload(std::move(sk)));
  return message;
}

Message ExampleIkeAuthFragment(uint16_t number, uint16_t total, size_t ciphertext_size) {
  Message message;
  message.header = MakeHeader(ExchangeType::kIkeAuth, 1, false, kExampleSpiR);
  EncryptedFragmentPayload skf;
  skf.first_inner_payload = number == 1 ? PayloadType::kIdInitiator : PayloadType::kNoNextPayload;
  skf.fragment_number = number;
  skf.total_fragments = total;
  skf.data = PatternBytes(ciphertext_size, static_cast<uint8_t>(number));
  message.payloads.push_back(MakePayload(std::move(skf)));
  return message;
}

}  // namespace ikewot::ikev2
