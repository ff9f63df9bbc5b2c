// Installs IkewotApplication on ns-3 nodes (the usual ns-3 Helper shape): attributes set once
// with SetAttribute apply to every application it creates; node ids are consecutive from
// `first_id`. Each application is initialized at install time (identity, store, engine), so the
// scenario can fill the Directory with fingerprints before the simulation starts.
#pragma once

#include <ns3/application-container.h>
#include <ns3/node-container.h>
#include <ns3/object-factory.h>

#include <memory>
#include <string>
#include <vector>

#include "core/crypto/prepared.h"
#include "sim/directory.h"
#include "sim/engine_executor.h"
#include "sim/ikewot_application.h"

namespace ikewot::sim {

class IkewotHelper {
 public:
  explicit IkewotHelper(Directory* directory);
  void SetAttribute(const std::string& name, const ns3::AttributeValue& value);
  // Every application it installs shares `prepared` (IkewotApplication::SetPreparedCrypto).
  void SetPreparedCrypto(std::shared_ptr<crypto::PreparedCrypto> prepared) {
    prepared_crypto_ = std::move(prepared);
  }
  // Every application it installs runs its engine calls on `executor` when its ProcessingDelay
  // is > 0 (IkewotApplication::SetEngineExecutor).
  void SetEngineExecutor(std::shared_ptr<EngineExecutor> executor) {
    executor_ = std::move(executor);
  }

  // One application per node; names[i] (or "n<id>") becomes the certificate's common name.
  // Registers each node (id, name, role, address, fingerprint, identification) in the
  // directory. Exits with NS_FATAL_ERROR if a node cannot be initialized (no address).
  ns3::ApplicationContainer Install(const ns3::NodeContainer& nodes, uint32_t first_id,
                                    const std::vector<std::string>& names = {},
                                    const std::string& role = "person");

 private:
  Directory* directory_;
  ns3::ObjectFactory factory_;
  std::shared_ptr<crypto::PreparedCrypto> prepared_crypto_;
  std::shared_ptr<EngineExecutor> executor_;
};

}  // namespace ikewot::sim
