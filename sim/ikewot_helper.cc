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
  std::vector<ns3::Ptr<IkewotApplication>> created;
  created.reserve(nodes.GetN());
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
    Status status = app->BeginInitialize();
    if (!status.ok()) NS_FATAL_ERROR("ikewot node " << name << ": " << status.error().ToString());
    created.push_back(app);
  }
  // Keys and certificates on every thread of the executor (each node uses only its own rng).
  std::vector<Status> finished(created.size(), Status::Ok());
  if (executor_ && executor_->threads() > 1) {
    std::vector<std::shared_ptr<EngineExecutor::Ticket>> tickets;
    tickets.reserve(created.size());
    for (size_t i = 0; i < created.size(); ++i) {
      IkewotApplication* app = PeekPointer(created[i]);  // ns-3 Ptr counts are not atomic
      Status* result = &finished[i];
      tickets.push_back(
          executor_->Submit([app, result](const std::shared_ptr<crypto::PreparedCrypto>&) {
            *result = app->FinishInitialize();
          }));
    }
    for (const auto& ticket : tickets) executor_->Wait(ticket);
  }
  ns3::ApplicationContainer apps;
  for (size_t i = 0; i < created.size(); ++i) {
    ns3::Ptr<IkewotApplication> app = created[i];
    Status status = finished[i].ok() ? app->FinishInitialize() : finished[i];
    if (!status.ok()) {
      NS_FATAL_ERROR("ikewot node " << app->name() << ": " << status.error().ToString());
    }
    NodeRecord record;
    record.id = app->node_id();
    record.name = app->name();
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
