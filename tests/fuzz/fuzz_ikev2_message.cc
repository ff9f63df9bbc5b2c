// libFuzzer target for the IKEv2 codec. Whatever parses must serialize back to the same bytes;
// the semantic check and both descriptions must run without fault on whatever parses. The input
// is also read as a bare payload chain (decrypted SK content) under each first-payload type.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/ikev2/describe.h"
#include "core/ikev2/message.h"
#include "core/ikev2/validate.h"

namespace {

using namespace ikewot;
using namespace ikewot::ikev2;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_ikev2_message: %s: %s\n", what, detail.c_str());
  std::abort();
}

void CheckMessage(ByteView input) {
  Result<Message> message = ParseMessage(input);
  if (!message.ok()) {
    if (message.error().message.empty()) Fail("error without message", "");
    if (message.error().offset > input.size()) Fail("error offset past input", "");
    return;
  }
  Result<Bytes> again = SerializeMessage(*message);
  if (!again.ok()) Fail("parsed message does not serialize", again.error().ToString());
  if (ByteView(*again).size() != input.size() ||
      !std::equal(again->begin(), again->end(), input.begin())) {
    Fail("serialization differs from input", ToHex(*again) + " vs " + ToHex(input));
  }
  Status valid = ValidateMessage(*message);
  (void)valid;
  std::string json = DescribeMessage(*message).Dump();
  std::string text = FormatMessage(*message);
  if (json.empty() || text.empty()) Fail("empty description", "");
}

void CheckChain(ByteView input, uint8_t first_type) {
  Result<std::vector<Payload>> chain = ParsePayloadChain(input, first_type, 0);
  if (!chain.ok()) return;
  Result<Bytes> again = SerializePayloadChain(*chain);
  if (!again.ok()) Fail("parsed chain does not serialize", again.error().ToString());
  if (again->size() != input.size() || !std::equal(again->begin(), again->end(), input.begin())) {
    Fail("chain serialization differs from input", std::to_string(first_type));
  }
  Header header;
  header.exchange_type = ExchangeType::kIkeAuth;
  Status valid = ValidateDecryptedPayloads(header, *chain);
  (void)valid;
  (void)DescribePayloads(*chain).Dump();
  (void)FormatPayloads(*chain);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  CheckMessage(input);
  for (unsigned type = 33; type <= 54; ++type) CheckChain(input, static_cast<uint8_t>(type));
  CheckChain(input, 128);  // an unknown (private-use) type
  return 0;
}
