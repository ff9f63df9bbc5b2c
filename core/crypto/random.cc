#include "core/crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace ikewot {

namespace {

// A DRBG failure leaves no safe way to continue (keys would be predictable): stop hard.
void DrawOrAbort(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

}  // namespace

OpenSslRng::~OpenSslRng() { OPENSSL_cleanse(block_.data(), block_.size()); }

void OpenSslRng::Fill(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (out.size() > kBlockSize / 4) {  // large requests gain nothing from the block
    DrawOrAbort(out);
    return;
  }
  const long pid = static_cast<long>(getpid());
  if (pid != block_pid_) {  // a fresh object, or a forked child holding its parent's octets
    OPENSSL_cleanse(block_.data(), block_.size());
    used_ = kBlockSize;
    block_pid_ = pid;
  }
  if (kBlockSize - used_ < out.size()) {
    DrawOrAbort(block_);
    used_ = 0;
  }
  std::copy_n(block_.begin() + static_cast<ptrdiff_t>(used_), out.size(), out.begin());
  OPENSSL_cleanse(block_.data() + used_, out.size());
  used_ += out.size();
}

DeterministicRng::DeterministicRng(uint64_t seed, ByteView label) : ctx_(EVP_CIPHER_CTX_new()) {
  uint8_t seed_bytes[8];
  for (int i = 0; i < 8; ++i) seed_bytes[i] = static_cast<uint8_t>(seed >> (56 - 8 * i));
  uint8_t key[32];
  unsigned int key_len = 0;
  ossl::MdCtxPtr md(EVP_MD_CTX_new());
  uint8_t iv[16] = {0};  // 32-bit block counter + 96-bit nonce, all zero: one stream per key
  bool ok = md && ctx_ && EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(md.get(), label.data(), label.size()) == 1 &&
            EVP_DigestUpdate(md.get(), seed_bytes, sizeof(seed_bytes)) == 1 &&
            EVP_DigestFinal_ex(md.get(), key, &key_len) == 1 &&
            EVP_EncryptInit_ex(ctx_.get(), EVP_chacha20(), nullptr, key, iv) == 1;
  if (!ok) std::abort();  // only on allocation failure or a broken OpenSSL build
}

void DeterministicRng::Fill(std::span<uint8_t> out) {
  // Encrypting zeros yields the raw keystream.
  std::fill(out.begin(), out.end(), 0);
  int written = 0;
  if (!out.empty() && EVP_EncryptUpdate(ctx_.get(), out.data(), &written, out.data(),
                                        static_cast<int>(out.size())) != 1) {
    std::abort();
  }
}

}  // namespace ikewot
