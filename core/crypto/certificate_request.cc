#include "core/crypto/certificate_request.h"

#include <string>

#include "core/base/reader.h"
#include "core/base/writer.h"

namespace ikewot::crypto {

Result<std::vector<Bytes>> ParseCertReqAuthorities(ByteView field, size_t base_offset) {
  Reader reader(field, base_offset);
  std::vector<Bytes> key_ids;
  key_ids.reserve(field.size() / kCertReqKeyIdSize);
  while (!reader.empty()) {
    Bytes key_id;
    if (!reader.CopyBytes(kCertReqKeyIdSize, &key_id)) {
      return reader.Fail(ErrorCode::kBadLength,
                         "CERTREQ certification authority field must be a multiple of 20 octets "
                         "(SHA-1 key ids), got " +
                             std::to_string(field.size()));
    }
    key_ids.push_back(std::move(key_id));
  }
  return key_ids;
}

Result<Bytes> EncodeCertReqAuthorities(std::span<const Bytes> key_ids) {
  Bytes out;
  Writer writer(&out);
  for (size_t i = 0; i < key_ids.size(); ++i) {
    if (key_ids[i].size() != kCertReqKeyIdSize) {
      return MakeError(ErrorCode::kInvalidArgument, "CERTREQ key id #" + std::to_string(i + 1) +
                                                        " is " + std::to_string(key_ids[i].size()) +
                                                        " octets, must be 20");
    }
    writer.Append(key_ids[i]);
  }
  return out;
}

}  // namespace ikewot::crypto
