#include "cotenant/ingest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "store/sha256.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

bool Hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

bool IsMispFeed(const fs::path& dir) { return fs::is_regular_file(dir / "manifest.json"); }

Status Walk(const fs::path& dir, std::vector<std::string>& out) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!Hidden(it->path())) entries.push_back(it->path());
  }
  if (ec) return IoError("cannot list directory " + dir.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    if (fs::is_directory(p, ec)) {
      if (IsMispFeed(p)) {
        out.push_back(p.string());
      } else {
        COTENANT_RETURN_IF_ERROR(Walk(p, out));
      }
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p.string());
    }
  }
  return Status::Ok();
}

Result<std::string> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  store::Sha256 sha;
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.Update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return IoError("error reading " + path);
  return sha.HexDigest();
}

int64_t SizeOf(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    int64_t total = 0;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
    }
    return total;
  }
  auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

// Reasons name the offending value in backticks ("invalid domain name `x!`: ..."); the
// summary counts by reason with those values elided, so equal causes add up.
std::string ReasonCategory(std::string_view reason) {
  if (reason.empty()) return "unreadable record";
  std::string out;
  bool quoted = false;
  for (char c : reason) {
    if (c == '`') {
      if (!quoted) out += "`...`";
      quoted = !quoted;
    } else if (!quoted) {
      out += c;
    }
  }
  // "`198.51.100.999`: octet 999 out of range" reads better as the reason alone.
  constexpr std::string_view kValuePrefix = "`...`: ";
  if (out.starts_with(kValuePrefix) && out.size() > kValuePrefix.size()) {
    out.erase(0, kValuePrefix.size());
  }
  return out;
}

// Forwards to the batch; counts rejections by reason and reports progress.
class SummarizingSink : public IngestSink {
 public:
  SummarizingSink(IngestSink& inner, IngestSummary& summary, const IngestOptions& options,
                  IngestProgress& progress)
      : inner_(inner), summary_(summary), options_(options), progress_(progress) {}

  void OnSource(const Source& source) override { inner_.OnSource(source); }
  void OnObservation(Observation&& o) override {
    inner_.OnObservation(std::move(o));
    Tick();
  }
  void OnRelationship(Relationship&& r) override {
    inner_.OnRelationship(std::move(r));
    Tick();
  }
  void OnActor(ActorRecord&& a) override { inner_.OnActor(std::move(a)); }
  void OnRejection(Rejection&& r) override {
    ++summary_.rejected[ReasonCategory(r.reason)];
    if (summary_.sample_rejections.size() < 20) summary_.sample_rejections.push_back(r);
    inner_.OnRejection(std::move(r));
  }

 private:
  void Tick() {
    ++progress_.observations;
    if (options_.progress && progress_.observations % 8192 == 0) options_.progress(progress_);
  }

  IngestSink& inner_;
  IngestSummary& summary_;
  const IngestOptions& options_;
  IngestProgress& progress_;
};

void Add(IngestCounts& total, const IngestCounts& c) {
  total.observations += c.observations;
  total.duplicate_observations += c.duplicate_observations;
  total.relationships += c.relationships;
  total.duplicate_relationships += c.duplicate_relationships;
  total.actor_records += c.actor_records;
  total.sources += c.sources;
  total.rejections += c.rejections;
}

}  // namespace

std::string_view InputOutcomeName(InputOutcome outcome) {
  switch (outcome) {
    case InputOutcome::kIngested:
      return "ingested";
    case InputOutcome::kPartial:
      return "partial";
    case InputOutcome::kSkipped:
      return "skipped";
    case InputOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

Result<std::vector<std::string>> ListInputs(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) return NotFound(path + ": no such file or directory");
    if (fs::is_directory(status)) {
      if (IsMispFeed(path)) {
        out.push_back(path);
      } else {
        COTENANT_RETURN_IF_ERROR(Walk(path, out));
      }
    } else {
      out.push_back(path);
    }
  }
  return out;
}

Result<std::string> Sha256OfInput(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return HashFile(path);
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(fs::relative(it->path(), path).string());
  }
  if (ec) return IoError("cannot list directory " + path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  store::Sha256 sha;
  for (const auto& f : files) {
    COTENANT_ASSIGN_OR_RETURN(std::string h, HashFile((fs::path(path) / f).string()));
    sha.Update(f);
    sha.Update(std::string_view("\0", 1));
    sha.Update(h);
    sha.Update("\n");
  }
  return sha.HexDigest();
}

Result<IngestSummary> IngestPaths(Store& store, const std::vector<std::string>& paths,
                                  const IngestOptions& options, const ReadFunction& read) {
  COTENANT_ASSIGN_OR_RETURN(std::vector<std::string> inputs, ListInputs(paths));
  IngestSummary summary;
  IngestProgress progress;
  progress.input_count = inputs.size();
  std::vector<int64_t> sizes;
  for (const auto& in : inputs) {
    sizes.push_back(SizeOf(in));
    progress.bytes_total += sizes.back();
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::string& path = inputs[k];
    progress.path = path;
    progress.input_index = k;
    progress.observations = 0;
    InputResult result;
    result.path = path;
    result.format = options.format_name;
    auto finish = [&] {
      progress.bytes_done += sizes[k];
      if (options.progress) options.progress(progress);
      if (result.outcome == InputOutcome::kFailed) ++summary.failed_inputs;
      if (result.outcome == InputOutcome::kIngested || result.outcome == InputOutcome::kPartial) {
        Add(summary.totals, result.counts);
      }
      summary.inputs.push_back(std::move(result));
    };
    auto sha = Sha256OfInput(path);
    if (!sha.ok()) {
      result.outcome = InputOutcome::kFailed;
      result.error = sha.status();
      finish();
      continue;
    }
    COTENANT_ASSIGN_OR_RETURN(std::optional<IngestInfo> previous, store.FindIngest(*sha));
    if (previous) {
      result.outcome = InputOutcome::kSkipped;
      result.ingest_id = previous->id;
      finish();
      continue;
    }
    COTENANT_ASSIGN_OR_RETURN(std::unique_ptr<IngestBatch> batch,
                              store.BeginIngest({path, *sha, options.format_name}));
    SummarizingSink sink(*batch, summary, options, progress);
    Status read_status = read(path, options.read, sink);
    // A store error inside the batch is the store failing, not the input.
    if (!batch->status().ok()) {
      Status failed = batch->status();
      batch->Rollback();
      return failed.WithContext("ingesting " + path);
    }
    result.ingest_id = batch->id();
    if (read_status.ok()) {
      COTENANT_RETURN_IF_ERROR(batch->Commit().WithContext("ingesting " + path));
      result.outcome = InputOutcome::kIngested;
      result.counts = batch->counts();
    } else if (options.partial) {
      COTENANT_RETURN_IF_ERROR(batch->Commit(read_status).WithContext("ingesting " + path));
      result.outcome = InputOutcome::kPartial;
      result.error = read_status;
      result.counts = batch->counts();
    } else {
      batch->Rollback();
      result.outcome = InputOutcome::kFailed;
      result.error = read_status;
      result.ingest_id = 0;
    }
    finish();
  }
  return summary;
}

}  // namespace cotenant
