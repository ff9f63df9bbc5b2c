// Engine events as the network commands print them: one text line, or one JSON object (one per
// line with --json). CHILD SA keys appear only when asked for (--show-keys).
#pragma once

#include <string>

#include "core/base/json.h"
#include "core/engine/events.h"

namespace ikewot::cli {

std::string_view EventKindName(engine::EventKind kind);  // "ike-sa-established", ...
Json ChildSaJson(const engine::ChildSaInfo& child, bool show_keys);
Json EventJson(const engine::Event& event, bool show_keys);
std::string EventLine(const engine::Event& event);

}  // namespace ikewot::cli
