// Helpers for store tests: a temporary directory and small record builders.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "cotenant/indicator.h"
#include "cotenant/observation.h"
#include "cotenant/store.h"

namespace cotenant::testing {

// A fresh directory under $TMPDIR, removed with its contents at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cotenant-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Path(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
