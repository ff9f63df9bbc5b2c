// The ikewot home directory (chosen by cli::ResolveHome: --home, $IKEWOT_HOME, ~/.ikewot) and
// the file operations every command that stores something uses.
//
//   HOME/                                  0700
//   HOME/identity/                         0700
//   HOME/identity/key.pem                  0600  PKCS#8 private key (PEM)
//   HOME/identity/cert.pem                 0644  self-signed X.509 certificate (PEM)
//   HOME/identity/backups/<stamp>/         0700  what `id init --force` replaced
//
// Writes are atomic (temporary file in the same directory, fsync, rename, fsync of the
// directory), so a crash leaves either the old file or the new one, never a torn one.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/trust/owned_store.h"

namespace ikewot::cli {

class HomeLayout {
 public:
  explicit HomeLayout(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string IdentityDir() const { return root_ + "/identity"; }
  std::string KeyPath() const { return IdentityDir() + "/key.pem"; }
  std::string CertPath() const { return IdentityDir() + "/cert.pem"; }
  std::string BackupsDir() const { return IdentityDir() + "/backups"; }

 private:
  std::string root_;
};

inline constexpr mode_t kPrivateDirMode = 0700;
inline constexpr mode_t kPrivateFileMode = 0600;
inline constexpr mode_t kPublicFileMode = 0644;

bool PathExists(const std::string& path);
// Creates the directory and any missing parents with `mode`; an existing directory is left as
// it is (the home may be a directory the user chose, such as one shared with other files).
Status EnsureDirectory(const std::string& path, mode_t mode);
// EnsureDirectory, then forces the mode to 0700: for directories ikewot owns (identity/,
// backups/), so a loosened permission is tightened again.
Status EnsurePrivateDirectory(const std::string& path);
Status WriteFileAtomic(const std::string& path, std::string_view contents, mode_t mode);
// A regular file of at most max_bytes (kLimitExceeded beyond), kNotFound if absent.
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes);
// Permission bits of an existing file.
Result<mode_t> FileMode(const std::string& path);

// Copies whatever identity files exist into a fresh HOME/identity/backups/<stamp>/ directory
// (stamp from `unix_now`, e.g. 20250601T120000Z, with -2, -3... if taken). Returns its path.
Result<std::string> BackupIdentity(const HomeLayout& home, int64_t unix_now);

struct LoadedIdentity {
  crypto::PrivateKey key;
  crypto::Certificate certificate;
};
// Reads and checks key.pem and cert.pem: both parse, and the certificate carries the key's
// public half. kNotFound (with a hint to run `ikewot id init`) when there is no identity.
Result<LoadedIdentity> LoadIdentity(const HomeLayout& home);

// The store in HOME/trust.db, owned by this node's identity when there is one; problems met
// while loading it are printed to stderr as warnings.
Result<std::unique_ptr<trust::OwnedStore>> OpenHomeStore(const HomeLayout& home);

}  // namespace ikewot::cli
