// What the datagram-driven fuzz targets share: the record format their inputs use and a
// signing identity made from a fixed seed.
//
// Record format: [u16 big-endian header][bytes]; the header's low 15 bits are the length (cut
// to what is left of the input), its top bit says the datagram uses the NAT-T port 4500. The
// corpora under tests/fuzz/corpus/ are written in this format, so it must not change.
#ifndef IKEWOT_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define IKEWOT_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/engine/policy.h"

namespace ikewot::fuzz {

struct DatagramRecord {
  Bytes payload;
  bool nat_traversal_port = false;  // the header's top bit
};

class DatagramRecords {
 public:
  DatagramRecords(const uint8_t* data, size_t size, size_t first_record)
      : data_(data), size_(size), pos_(first_record) {}

  // The next record, or false when fewer than two octets (a header) are left.
  bool Next(DatagramRecord* record) {
    if (pos_ + 2 > size_) return false;
    const uint16_t header = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    const size_t length = std::min<size_t>(header & 0x7FFF, size_ - pos_);
    record->payload.assign(data_ + pos_, data_ + pos_ + length);
    record->nat_traversal_port = (header & 0x8000) != 0;
    pos_ += length;
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_;
};

// A self-signed identity named "fuzz", valid 30 days from `now`; empty if generation fails.
inline engine::LocalIdentity MakeFuzzIdentity(crypto::KeyType type, Rng& rng, TimePoint now) {
  engine::LocalIdentity identity;
  Result<crypto::PrivateKey> key = crypto::PrivateKey::Generate(type, rng);
  if (!key.ok()) return identity;
  Result<crypto::Certificate> cert =
      crypto::MakeSelfSigned(*key, crypto::SelfSignedOptions{"fuzz", {}, 30}, now, rng);
  if (!cert.ok()) return identity;
  identity.key = std::make_shared<const crypto::PrivateKey>(std::move(*key));
  identity.certificate_chain_der = {cert->ToDer()};
  return identity;
}

}  // namespace ikewot::fuzz

#endif  // IKEWOT_TESTS_FUZZ_FUZZ_SUPPORT_H_
