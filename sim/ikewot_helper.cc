#include "sim/ikewot_helper.h"

#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include "core/crypto/identification.h"

namespace ikewot::sim {

IkewotHelper::IkewotHelper(Directory* directory) : directory_(directory) {
  factory_.SetTypeId(IkewotApplication::GetTypeId());
}

void IkewotHelper::SetAttribute(const std::string& name, const ns3::AttributeValue& value) {
  factory_.Set(name, value);
}

ns3::ApplicationContainer IkewotHelper::Install(const ns3::NodeContainer& nodes, uint32_t first_id,
                                                const std::vector<std::string>& names,
                                                const std::string& role) {
  ns3::ApplicationContainer apps;
  for (uint32_t i = 0; i < nodes.GetN(); ++i) {
    const uint32_t id = first_id + i;
    const std::string name = i < names.size() ? names[i] : "n" + std::to_string(id);
    factory_.Set("NodeId", ns3::UintegerValue(id));
    factory_.Set("Name", ns3::StringValue(name));
    ns3::Ptr<IkewotApplication> app = factory_.Create<IkewotApplication>();
    nodes.Get(i)->AddApplication(app);
    app->SetDirectory(directory_);
    app->SetPreparedCrypto(prepared_crypto_);
    app->SetEngineExecutor(executor_);
    Status status = app->Initialize();
    if (!status.ok()) NS_FATAL_ERROR("ikewot node " << name << ": " << status.error().ToString());
    NodeRecord record;
    record.id = id;
    record.name = name;
    record.role = role;
    record.address = app->address();
    record.fingerprint = app->certificate().Sha256Fingerprint();
    record.identification = app->identification();
    directory_->Put(std::move(record));
    apps.Add(app);
  }
  return apps;
}

}  // namespace ikewot::sim
