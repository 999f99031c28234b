// Helpers for store tests: small record builders (TempDir is in testing.h).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "cotenant/indicator.h"
#include "cotenant/observation.h"
#include "cotenant/store.h"
#include "testing.h"

namespace cotenant::testing {

inline Observation Obs(IndicatorType type, std::string value, std::string actor,
                       std::string source) {
  Observation o;
  o.indicator.type = type;
  o.indicator.value = value;
  o.indicator.display = value;
  o.original_text = value;
  o.actor = std::move(actor);
  o.source = std::move(source);
  o.location.file = "test.txt";
  o.location.line = 1;
  return o;
}

inline ActorRecord Naming(std::string source, std::string name, std::vector<std::string> aliases,
                          std::string external_id = "") {
  ActorRecord a;
  a.source = std::move(source);
  a.name = std::move(name);
  a.aliases = std::move(aliases);
  a.external_id = std::move(external_id);
  return a;
}

}  // namespace cotenant::testing
