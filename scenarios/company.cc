// company: a conditional collection (only while connected to the company server). The scenario
// itself: sim/scenarios/company.h.
//
//   company [--seed=N] [--out=DIR] [--nodes=N] [--callMax=S] [--phase=S]
#include "sim/scenarios/company.h"

int main(int argc, char** argv) {
  return ikewot::sim::ScenarioMain(argc, argv, ikewot::sim::kCompanyUsage,
                                   &ikewot::sim::RunCompany);
}
