// Who is who in a simulation: each node's id, name, role, address and genuine certificate. The
// scenario fills it; applications use it to name the peer a certificate claims to be (by its
// common name) and to tell a genuine certificate from a false one (the attack scenario). It is
// the simulation's ground truth, never consulted by the protocol itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"

namespace ikewot::sim {

struct NodeRecord {
  uint32_t id = 0;
  std::string name;             // also the certificate's common name
  std::string role = "person";  // person, server, attacker (docs/run-format.md)
  Bytes address;                // IPv4, network order: the address peers use
  Bytes fingerprint;            // SHA-256 of the genuine certificate
  std::string identification;   // spoken identification string of the genuine certificate
};

class Directory {
 public:
  // Adds or replaces the record with this id.
  void Put(NodeRecord record);

  const NodeRecord* ById(uint32_t id) const;
  const NodeRecord* ByName(const std::string& name) const;
  const NodeRecord* ByAddress(const Bytes& address) const;
  // The node whose genuine certificate has this fingerprint.
  const NodeRecord* ByFingerprint(const Bytes& fingerprint) const;
  // "CN=bob" or "CN=bob,O=x" -> the node named bob.
  const NodeRecord* BySubject(const std::string& subject) const;

  size_t size() const { return records_.size(); }
  const std::map<uint32_t, NodeRecord>& records() const { return records_; }

 private:
  std::map<uint32_t, NodeRecord> records_;
  std::map<std::string, uint32_t> by_name_;
  std::map<Bytes, uint32_t> by_address_;
  std::map<Bytes, uint32_t> by_fingerprint_;
};

// "10.0.0.1" from four bytes.
std::string FormatIpv4(const Bytes& address);

}  // namespace ikewot::sim
