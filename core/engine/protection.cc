#include "core/engine/protection.h"

#include <algorithm>
#include <string>

#include "core/engine/fragments.h"

namespace ikewot::engine {
namespace {

// Encodes `header` + one SK/SKF payload whose data is `cipher`'s output for `plaintext`.
template <typename SkBody>
Result<Bytes> EncodeProtected(const ikev2::Header& header, SkBody sk, ByteView plaintext,
                              crypto::SkCipher& cipher, Rng& rng) {
  // A zero placeholder of the exact ciphertext size lets the codec write final lengths first.
  sk.data.assign(cipher.EncryptedSize(plaintext.size()), 0);
  ikev2::Message message{header, {ikev2::MakePayload(std::move(sk))}};
  Result<ikev2::EncodedMessage> encoded = ikev2::EncodeMessage(message);
  if (!encoded.ok()) return encoded.error();
  if (!encoded->encrypted_data_offset) {
    return MakeError(ErrorCode::kState, "encoded message has no encrypted payload");
  }
  const size_t offset = *encoded->encrypted_data_offset;
  Bytes& bytes = encoded->bytes;
  Result<Bytes> data = cipher.Encrypt(ByteView(bytes).first(offset), plaintext, rng);
  if (!data.ok()) return data.error();
  if (data->size() != bytes.size() - offset) {
    return MakeError(ErrorCode::kState, "cipher output size differs from its announced size");
  }
  std::copy(data->begin(), data->end(), bytes.begin() + static_cast<ptrdiff_t>(offset));
  return std::move(bytes);
}

}  // namespace

Result<Bytes> ProtectBody(const ikev2::Header& header, ikev2::PayloadType first_inner,
                          ByteView plaintext, crypto::SkCipher& cipher, Rng& rng) {
  ikev2::EncryptedPayload sk;
  sk.first_inner_payload = first_inner;
  return EncodeProtected(header, sk, plaintext, cipher, rng);
}

Result<std::vector<Bytes>> ProtectMessage(const ikev2::Header& header,
                                          const std::vector<ikev2::Payload>& inner,
                                          crypto::SkCipher& cipher, Rng& rng,
                                          std::optional<size_t> fragment_budget) {
  Result<Bytes> plaintext = ikev2::SerializePayloadChain(inner);
  if (!plaintext.ok()) return plaintext.error();
  ikev2::EncryptedPayload sk;
  sk.first_inner_payload = ikev2::FirstPayloadType(inner);
  Result<Bytes> whole = EncodeProtected(header, sk, *plaintext, cipher, rng);
  if (!whole.ok()) return whole.error();
  if (!fragment_budget || whole->size() <= *fragment_budget) return std::vector<Bytes>{*whole};

  // RFC 7383 §2.5.3: each fragment is header + SKF header (8) + IV + padded chunk + ICV. Start
  // from a conservative chunk size and shrink until every fragment fits the budget.
  const size_t overhead =
      ikev2::kHeaderSize + 8 + cipher.iv_size() + cipher.icv_size() + cipher.block_size() + 1;
  if (*fragment_budget <= overhead + 16) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "fragment budget " + std::to_string(*fragment_budget) + " leaves no room for content");
  }
  for (size_t chunk = *fragment_budget - overhead; chunk >= 16; chunk -= 16) {
    Result<std::vector<Bytes>> pieces = SplitIntoFragments(*plaintext, chunk);
    if (!pieces.ok()) return pieces.error();
    std::vector<Bytes> out;
    bool fits = true;
    for (size_t i = 0; i < pieces->size() && fits; ++i) {
      ikev2::EncryptedFragmentPayload skf;
      skf.first_inner_payload =
          i == 0 ? sk.first_inner_payload : ikev2::PayloadType::kNoNextPayload;
      skf.fragment_number = static_cast<uint16_t>(i + 1);
      skf.total_fragments = static_cast<uint16_t>(pieces->size());
      Result<Bytes> fragment = EncodeProtected(header, skf, (*pieces)[i], cipher, rng);
      if (!fragment.ok()) return fragment.error();
      fits = fragment->size() <= *fragment_budget;
      out.push_back(std::move(*fragment));
    }
    if (fits) return out;
  }
  return MakeError(ErrorCode::kLimitExceeded, "message does not fragment into the budget");
}

Result<std::vector<ikev2::Payload>> UnprotectSk(ByteView datagram, const ikev2::Message& message,
                                                crypto::SkCipher& cipher) {
  if (message.payloads.empty()) {
    return MakeError(ErrorCode::kBadValue, "message has no Encrypted payload");
  }
  const ikev2::EncryptedPayload* sk = message.payloads.back().As<ikev2::EncryptedPayload>();
  if (sk == nullptr || sk->data_offset == 0 || sk->data_offset > datagram.size()) {
    return MakeError(ErrorCode::kBadValue, "message does not end with an Encrypted payload");
  }
  Result<Bytes> plaintext = cipher.Decrypt(datagram.first(sk->data_offset), sk->data);
  if (!plaintext.ok()) return plaintext.error();
  return ikev2::ParsePayloadChain(*plaintext, static_cast<uint8_t>(sk->first_inner_payload));
}

Result<DecryptedFragment> UnprotectSkf(ByteView datagram, const ikev2::Message& message,
                                       crypto::SkCipher& cipher) {
  if (message.payloads.size() != 1) {
    return MakeError(ErrorCode::kBadValue, "a fragment message carries only the SKF payload");
  }
  const auto* skf = message.payloads.back().As<ikev2::EncryptedFragmentPayload>();
  if (skf == nullptr || skf->data_offset == 0 || skf->data_offset > datagram.size()) {
    return MakeError(ErrorCode::kBadValue, "message is not an Encrypted Fragment");
  }
  Result<Bytes> content = cipher.Decrypt(datagram.first(skf->data_offset), skf->data);
  if (!content.ok()) return content.error();
  return DecryptedFragment{skf->fragment_number, skf->total_fragments,
                           static_cast<uint8_t>(skf->first_inner_payload), std::move(*content)};
}

}  // namespace ikewot::engine
