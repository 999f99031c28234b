// Test support: paths, the shared research data, and the data-driven golden-file runner.
//
// Golden files are text: lines "input<TAB>expected"; "#" lines and blank lines are kept as
// they are. Inputs and outputs use C escapes (\t \n \\ \xNN) so NUL bytes and invalid UTF-8
// can be written. Run with COTENANT_UPDATE_GOLDEN=1 to rewrite the expected column after an
// intended change (then review the diff).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cotenant::testing {

// Absolute path of a file in the source tree, e.g. SourcePath("tests/golden/core/ipv4.txt").
std::string SourcePath(std::string_view relative);
// ../shared (or $COTENANT_SHARED) when it exists; tests GTEST_SKIP() with a message otherwise.
std::optional<std::string> SharedDir();
std::string ReadFile(const std::string& path);

// A fresh directory under $TMPDIR, removed with its contents at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cotenant-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Path(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Unescape(std::string_view text);
std::string Escape(std::string_view text);

// Runs `fn` over every case of the golden file; returns one message per mismatch (empty = all
// pass). With COTENANT_UPDATE_GOLDEN=1 it rewrites the file instead and returns no mismatches.
std::vector<std::string> RunGoldenFile(const std::string& path,
                                       const std::function<std::string(std::string_view)>& fn);

// Number of cases (non-comment, non-blank lines) in a golden file.
size_t CountGoldenCases(const std::string& path);

}  // namespace cotenant::testing
