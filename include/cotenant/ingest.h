// Ingest: read files and directories into a Store, one transaction per file.
//
// IngestPaths walks each path (a directory is walked recursively in name order; a MISP feed
// directory, one holding manifest.json, is read as one input), hashes each input, skips inputs
// whose content was already ingested completely, and reads the others with `read` (normally
// cotenant::ReadPath) into one IngestBatch each. A file whose reader fails is rolled back whole
// unless `partial` is set. Per-record rejections are kept in the store and summarised by
// reason. Runs on the caller's thread; `progress` is called from it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cotenant/reader.h"
#include "cotenant/status.h"
#include "cotenant/store.h"

namespace cotenant {

// How to read one input: cotenant::ReadPath, or a fake in tests.
using ReadFunction =
    std::function<Status(const std::string& path, const ReadOptions& options, IngestSink& sink)>;

struct IngestProgress {
  std::string path;        // input being read
  size_t input_index = 0;  // 0-based, of input_count
  size_t input_count = 0;
  int64_t observations = 0;  // records of this input so far
  int64_t bytes_done = 0;    // inputs finished, in bytes
  int64_t bytes_total = 0;
};

struct IngestOptions {
  ReadOptions read;
  std::string format_name = "auto";  // recorded in the ingests table (FormatName of read.format)
  bool partial = false;              // keep what was read before a reader error
  // Called every few thousand records and after each input; may be empty.
  std::function<void(const IngestProgress&)> progress;
};

enum class InputOutcome {
  kIngested,  // committed (complete)
  kPartial,   // reader failed, kept what was read (--partial)
  kSkipped,   // same content already ingested
  kFailed,    // reader or store failed; rolled back
};
std::string_view InputOutcomeName(InputOutcome outcome);  // "ingested", "partial", ...

struct InputResult {
  std::string path;
  std::string format;
  InputOutcome outcome = InputOutcome::kIngested;
  Status error;  // the reader's or store's error for kPartial and kFailed
  IngestId ingest_id = 0;
  IngestCounts counts;
};

struct IngestSummary {
  std::vector<InputResult> inputs;
  IngestCounts totals;  // over committed inputs
  // Reason -> count over all inputs; values quoted in backticks are elided ("`...`").
  std::map<std::string, int64_t> rejected;
  // The first rejections (up to 20), with file and line or JSON path, for display.
  std::vector<Rejection> sample_rejections;
  size_t failed_inputs = 0;
};

// Lists the inputs under `paths` (files, and MISP feed directories as single inputs). Errors
// name a path that does not exist or cannot be listed.
Result<std::vector<std::string>> ListInputs(const std::vector<std::string>& paths);

// Lower-case hex SHA-256 of a file's bytes, or for a directory of its files' names and hashes.
Result<std::string> Sha256OfInput(const std::string& path);

// Ingests every input. Returns an error only when the store itself fails (the summary of what
// was done up to there is lost with it); reader failures are per input in the summary.
Result<IngestSummary> IngestPaths(Store& store, const std::vector<std::string>& paths,
                                  const IngestOptions& options, const ReadFunction& read);

}  // namespace cotenant
