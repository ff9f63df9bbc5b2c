// IKEv2 codec throughput: parse + serialize of a typical IKE_SA_INIT request and of an IKE_AUTH
// request (SK), in messages per second (items_per_second). Two inputs each: the codec's example
// messages (core/ikev2/example_messages.h) and real strongSwan 5.9.8 datagrams from
// tests/vectors/ when present.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/ikev2/example_messages.h"
#include "core/ikev2/message.h"

namespace {

using namespace ikewot;
using namespace ikewot::ikev2;

Bytes ReadVector(const std::string& relative) {
  std::ifstream in(std::string(IKEWOT_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void ParseAndSerialize(benchmark::State& state, const Bytes& wire) {
  if (wire.empty() || !ParseMessage(wire).ok()) {
    state.SkipWithError("input missing or does not parse");
    return;
  }
  for (auto _ : state) {
    Result<Message> message = ParseMessage(wire);
    Result<Bytes> again = SerializeMessage(*message);
    benchmark::DoNotOptimize(again);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
  state.counters["octets"] = static_cast<double>(wire.size());
}

void ParseOnly(benchmark::State& state, const Bytes& wire) {
  for (auto _ : state) {
    Result<Message> message = ParseMessage(wire);
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_IkeSaInitRequest_Example(benchmark::State& state) {
  ParseAndSerialize(state, SerializeMessage(ExampleIkeSaInitRequest()).value());
}
void BM_IkeAuthRequestSk_Example(benchmark::State& state) {
  ParseAndSerialize(state, SerializeMessage(ExampleIkeAuthRequest(1200)).value());
}
void BM_IkeSaInitRequest_StrongSwan(benchmark::State& state) {
  ParseAndSerialize(state,
                    ReadVector("strongswan/ikev2-rsa-modp2048-aescbc/00-IKE_SA_INIT-request.bin"));
}
void BM_IkeAuthRequestSk_StrongSwan(benchmark::State& state) {
  ParseAndSerialize(state,
                    ReadVector("strongswan/ikev2-rsa-modp2048-aescbc/02-IKE_AUTH-request.bin"));
}
void BM_IkeAuthInnerChain_Example(benchmark::State& state) {
  Bytes chain = SerializePayloadChain(ExampleIkeAuthInnerPayloads()).value();
  uint8_t first = static_cast<uint8_t>(PayloadType::kIdInitiator);
  for (auto _ : state) {
    Result<std::vector<Payload>> payloads = ParsePayloadChain(chain, first, 0);
    Result<Bytes> again = SerializePayloadChain(*payloads);
    benchmark::DoNotOptimize(again);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["octets"] = static_cast<double>(chain.size());
}
void BM_IkeSaInitRequest_ParseOnly(benchmark::State& state) {
  ParseOnly(state, SerializeMessage(ExampleIkeSaInitRequest()).value());
}

BENCHMARK(BM_IkeSaInitRequest_Example);
BENCHMARK(BM_IkeSaInitRequest_StrongSwan);
BENCHMARK(BM_IkeAuthRequestSk_Example);
BENCHMARK(BM_IkeAuthRequestSk_StrongSwan);
BENCHMARK(BM_IkeAuthInnerChain_Example);
BENCHMARK(BM_IkeSaInitRequest_ParseOnly);

}  // namespace

BENCHMARK_MAIN();
