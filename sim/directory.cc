#include "sim/directory.h"

namespace ikewot::sim {

void Directory::Put(NodeRecord record) {
  const uint32_t id = record.id;
  by_name_[record.name] = id;
  if (!record.address.empty()) by_address_[record.address] = id;
  if (!record.fingerprint.empty()) by_fingerprint_[record.fingerprint] = id;
  records_[id] = std::move(record);
}

const NodeRecord* Directory::ById(uint32_t id) const {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

const NodeRecord* Directory::ByName(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : ById(it->second);
}

const NodeRecord* Directory::ByAddress(const Bytes& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : ById(it->second);
}

const NodeRecord* Directory::ByFingerprint(const Bytes& fingerprint) const {
  auto it = by_fingerprint_.find(fingerprint);
  return it == by_fingerprint_.end() ? nullptr : ById(it->second);
}

const NodeRecord* Directory::BySubject(const std::string& subject) const {
  // Our certificates carry one CN first; take the value up to the next unescaped comma.
  if (subject.rfind("CN=", 0) != 0) return nullptr;
  size_t end = subject.find(',', 3);
  return ByName(subject.substr(3, end == std::string::npos ? std::string::npos : end - 3));
}

std::string FormatIpv4(const Bytes& address) {
  if (address.size() != 4) return "";
  return std::to_string(address[0]) + "." + std::to_string(address[1]) + "." +
         std::to_string(address[2]) + "." + std::to_string(address[3]);
}

}  // namespace ikewot::sim
