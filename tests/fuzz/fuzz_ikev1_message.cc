// libFuzzer target for the IKEv1 codec. Properties: parsing never crashes and reports offsets
// inside the input; whatever parses serializes back to exactly the input; validation and both
// descriptions run on every parsed message. The first input octet chooses between a whole
// datagram and a bare payload chain (as in a decrypted body), so the fuzzer also reaches payload
// parsing without having to satisfy the header's length field.
#include <cstdint>
#include <cstdlib>

#include "core/base/writer.h"
#include "core/ikev1/message.h"
#include "core/ikev1/payload_codec.h"

namespace {

using namespace ikewot;

void CheckDatagram(ByteView input) {
  auto message = ikev1::ParseMessage(input);
  if (!message.ok()) {
    if (message.error().offset > input.size()) std::abort();
    return;
  }
  auto bytes = ikev1::SerializeMessage(*message);
  if (!bytes.ok() || Bytes(input.begin(), input.end()) != *bytes) std::abort();
  (void)ikev1::ValidateMessage(*message);
  (void)ikev1::DescribeMessage(*message).Dump();
  (void)ikev1::FormatMessage(*message);
}

void CheckChain(ByteView input) {
  if (input.empty()) return;
  uint8_t first = input[0];
  ByteView chain = input.subspan(1);
  auto body = ikev1::ParseDecryptedBody(chain, first, 1);
  if (!body.ok()) {
    if (body.error().offset > input.size()) std::abort();
    return;
  }
  // The payloads re-encode to the octets before the padding.
  Bytes out;
  Writer w(&out);
  for (size_t i = 0; i < body->payloads.size(); ++i) {
    ikev1::PayloadType next =
        i + 1 < body->payloads.size() ? body->payloads[i + 1].type : ikev1::PayloadType::kNone;
    if (!ikev1::SerializePayload(body->payloads[i], next, &w).ok()) std::abort();
  }
  if (out.size() + body->padding.size() != chain.size()) std::abort();
  if (!std::equal(out.begin(), out.end(), chain.begin())) std::abort();
  if (!body->payloads.empty() && static_cast<uint8_t>(body->payloads.front().type) != first) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ByteView input(data + 1, size - 1);
  if (data[0] & 1) {
    CheckChain(input);
  } else {
    CheckDatagram(input);
  }
  return 0;
}
