// Shared by the IKEv1 phase-1 and initiator tests: the captured strongSwan/libreswan IKEv1
// exchanges under tests/vectors with their keys.json, read into values the tests can use.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/ikev1/message.h"

namespace ikewot::ikev1::testing {

namespace fs = std::filesystem;

inline fs::path VectorDir(const std::string& name) { return fs::path(IKEWOT_TEST_DATA_DIR) / name; }

inline Bytes ReadBinary(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The string value of "key" in keys.json (written by Python's json.dump: "key": "value").
inline std::string KeysJsonString(const std::string& json, const std::string& key) {
  std::string needle = "\"" + key + "\": \"";
  size_t at = json.find(needle);
  if (at == std::string::npos) return {};
  size_t start = at + needle.size();
  return json.substr(start, json.find('"', start) - start);
}

inline Bytes KeysJsonHex(const std::string& json, const std::string& key) {
  auto bytes = FromHex(KeysJsonString(json, key));
  return bytes.ok() ? *bytes : Bytes{};
}

// One captured exchange: its messages in capture order and its keys.
struct CapturedExchange {
  fs::path dir;
  std::vector<Bytes> raw;  // NN-*.bin in order
  std::string keys_json;

  static CapturedExchange Load(const std::string& name) {
    CapturedExchange c;
    c.dir = VectorDir(name);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(c.dir)) {
      if (e.path().extension() == ".bin") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) c.raw.push_back(ReadBinary(f));
    c.keys_json = ReadText(c.dir / "keys.json");
    return c;
  }
  Bytes Key(const std::string& k) const { return KeysJsonHex(keys_json, k); }
  Message Parsed(size_t i) const {
    auto m = ParseMessage(raw.at(i));
    EXPECT_TRUE(m.ok()) << m.error().ToString();
    return m.ok() ? *m : Message{};
  }
  crypto::Certificate Cert(const std::string& file) const {
    auto c = crypto::Certificate::FromDer(ReadBinary(dir / file));
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return *c;
  }
  crypto::PrivateKey PrivateKeyFile(const std::string& file) const {
    auto k = crypto::PrivateKey::FromPkcs8Pem(ReadText(dir / file));
    EXPECT_TRUE(k.ok()) << k.error().ToString();
    return std::move(*k);
  }
};

template <typename T>
const T* FindPayload(const std::vector<Payload>& payloads, PayloadType type) {
  for (const Payload& p : payloads) {
    if (p.type == type) return p.As<T>();
  }
  return nullptr;
}

template <typename T>
const Payload* FindRaw(const std::vector<Payload>& payloads) {
  for (const Payload& p : payloads) {
    if (p.As<T>() != nullptr) return &p;
  }
  return nullptr;
}

}  // namespace ikewot::ikev1::testing
