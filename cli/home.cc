#include "cli/home.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "core/crypto/certificate_text.h"
#include "core/trust/report.h"

namespace ikewot::cli {
namespace {

// Key and certificate PEM files are a few KB; anything far larger is not ours.
constexpr size_t kMaxIdentityFile = 1024 * 1024;

Error IoError(const std::string& what, const std::string& path, int error_number) {
  return MakeError(ErrorCode::kIo, path + ": " + what + ": " + std::strerror(error_number));
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status FsyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open directory", dir, errno);
  int rc = fsync(fd);
  int saved = errno;
  close(fd);
  if (rc != 0) return IoError("fsync directory", dir, saved);
  return Status::Ok();
}

// "20250601T120000Z" for backup directory names.
std::string CompactStamp(int64_t unix_now) {
  std::string iso = crypto::FormatUnixTimeUtc(unix_now);  // 2025-06-01T12:00:00Z
  std::string out;
  for (char c : iso) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

}  // namespace

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

Status EnsureDirectory(const std::string& path, mode_t mode) {
  if (path.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty directory path");
  // Create missing parents with the same mode, left to right.
  for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    std::string parent = path.substr(0, pos);
    if (mkdir(parent.c_str(), mode) != 0 && errno != EEXIST) {
      return IoError("mkdir", parent, errno);
    }
  }
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return IoError("mkdir", path, errno);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return IoError("stat", path, errno);
  if (!S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kIo, path + ": exists and is not a directory");
  }
  return Status::Ok();
}

Status EnsurePrivateDirectory(const std::string& path) {
  IKEWOT_RETURN_IF_ERROR(EnsureDirectory(path, kPrivateDirMode));
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return IoError("stat", path, errno);
  if ((st.st_mode & 07777) != kPrivateDirMode && chmod(path.c_str(), kPrivateDirMode) != 0) {
    return IoError("chmod", path, errno);
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view contents, mode_t mode) {
  std::string temp = path + ".tmp." + std::to_string(getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return IoError("create", temp, errno);
  auto fail = [&](const char* what) {
    int saved = errno;
    close(fd);
    unlink(temp.c_str());
    return IoError(what, temp, saved);
  };
  // The umask may have narrowed the mode; we want exactly `mode`.
  if (fchmod(fd, mode) != 0) return fail("fchmod");
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (close(fd) != 0) {
    int saved = errno;
    unlink(temp.c_str());
    return IoError("close", temp, saved);
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    unlink(temp.c_str());
    return IoError("rename into place", path, saved);
  }
  return FsyncDirectory(DirectoryOf(path));
}

Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return MakeError(ErrorCode::kNotFound, path + ": no such file");
    return IoError("open", path, errno);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    close(fd);
    return IoError("stat", path, saved);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return MakeError(ErrorCode::kIo, path + ": not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    close(fd);
    return MakeError(ErrorCode::kLimitExceeded, path + ": " + std::to_string(st.st_size) +
                                                    " bytes is more than the " +
                                                    std::to_string(max_bytes) + " allowed");
  }
  std::string contents;
  char buf[8192];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      return IoError("read", path, saved);
    }
    if (n == 0) break;
    contents.append(buf, static_cast<size_t>(n));
    if (contents.size() > max_bytes) {
      close(fd);
      return MakeError(ErrorCode::kLimitExceeded, path + ": grew beyond the allowed size");
    }
  }
  close(fd);
  return contents;
}

Result<mode_t> FileMode(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return IoError("stat", path, errno);
  return static_cast<mode_t>(st.st_mode & 07777);
}

Result<std::string> BackupIdentity(const HomeLayout& home, int64_t unix_now) {
  IKEWOT_RETURN_IF_ERROR(EnsurePrivateDirectory(home.BackupsDir()));
  std::string base = home.BackupsDir() + "/" + CompactStamp(unix_now);
  std::string dir = base;
  for (int n = 2; mkdir(dir.c_str(), kPrivateDirMode) != 0; ++n) {
    if (errno != EEXIST || n > 1000) return IoError("mkdir", dir, errno);
    dir = base + "-" + std::to_string(n);
  }
  struct Item {
    std::string from;
    const char* name;
    mode_t mode;
  };
  const Item items[] = {{home.KeyPath(), "key.pem", kPrivateFileMode},
                        {home.CertPath(), "cert.pem", kPublicFileMode}};
  for (const Item& item : items) {
    if (!PathExists(item.from)) continue;
    auto contents = ReadFileLimited(item.from, kMaxIdentityFile);
    if (!contents.ok()) return contents.error();
    IKEWOT_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + item.name, *contents, item.mode));
  }
  return dir;
}

Result<LoadedIdentity> LoadIdentity(const HomeLayout& home) {
  if (!PathExists(home.KeyPath()) && !PathExists(home.CertPath())) {
    return MakeError(ErrorCode::kNotFound, "no identity in " + home.root() +
                                               "; create one with 'ikewot id init --name NAME'");
  }
  auto key_pem = ReadFileLimited(home.KeyPath(), kMaxIdentityFile);
  if (!key_pem.ok()) return key_pem.error();
  auto cert_pem = ReadFileLimited(home.CertPath(), kMaxIdentityFile);
  if (!cert_pem.ok()) return cert_pem.error();
  auto key = crypto::PrivateKey::FromPkcs8Pem(*key_pem);
  if (!key.ok()) {
    return MakeError(key.code(), home.KeyPath() + ": corrupt private key: " + key.error().message);
  }
  auto cert = crypto::Certificate::FromPem(*cert_pem);
  if (!cert.ok()) {
    return MakeError(cert.code(),
                     home.CertPath() + ": corrupt certificate: " + cert.error().message);
  }
  auto cert_key = cert->public_key();
  if (!cert_key.ok() || !cert_key->Equals(key->public_key())) {
    return MakeError(ErrorCode::kBadValue,
                     home.CertPath() + " does not carry the public half of " + home.KeyPath() +
                         " (a replaced or mixed-up identity; backups are in " + home.BackupsDir() +
                         ")");
  }
  return LoadedIdentity{std::move(key).value(), std::move(cert).value()};
}

Result<std::unique_ptr<trust::OwnedStore>> OpenHomeStore(const HomeLayout& home) {
  auto identity = LoadIdentity(home);
  if (!identity.ok() && identity.code() != ErrorCode::kNotFound) return identity.error();
  IKEWOT_RETURN_IF_ERROR(EnsureDirectory(home.root(), kPrivateDirMode));
  std::optional<crypto::PrivateKey> key;
  std::optional<crypto::Certificate> cert;
  if (identity.ok()) {
    key.emplace(std::move(identity->key));
    cert.emplace(std::move(identity->certificate));
  }
  auto owned =
      trust::OwnedStore::OpenSqlite(home.root() + "/trust.db", std::move(key), std::move(cert));
  if (!owned.ok()) return owned.error();
  for (const std::string& problem : (*owned)->store().load_problems()) {
    std::fprintf(stderr, "ikewot: warning: %s\n", trust::Printable(problem).c_str());
  }
  return owned;
}

}  // namespace ikewot::cli
