#include "core/crypto/ecdsa_format.h"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <memory>

#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {
namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>>;

}  // namespace

Result<Bytes> EcdsaDerToFixed(ByteView der, size_t scalar_size) {
  const unsigned char* cursor = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig) return ossl::CryptoError("d2i_ECDSA_SIG of our own signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes fixed(2 * scalar_size);
  if (BN_bn2binpad(r, fixed.data(), static_cast<int>(scalar_size)) < 0 ||
      BN_bn2binpad(s, fixed.data() + scalar_size, static_cast<int>(scalar_size)) < 0) {
    return ossl::CryptoError("BN_bn2binpad for r || s");
  }
  return fixed;
}

Result<Bytes> EcdsaFixedToDer(ByteView fixed) {
  const size_t half = fixed.size() / 2;
  ossl::BnPtr r(BN_bin2bn(fixed.data(), static_cast<int>(half), nullptr));
  ossl::BnPtr s(BN_bin2bn(fixed.data() + half, static_cast<int>(half), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return ossl::CryptoError("building ECDSA_SIG from r || s");
  }
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return ossl::CryptoError("i2d_ECDSA_SIG");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace ikewot::crypto
