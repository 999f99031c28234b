#include "server/service.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "server/crypto.h"

namespace cotenant::server {
namespace {

// Counts what a reader produces, for uploads whose content was ingested before.
class CountingSink : public IngestSink {
 public:
  explicit CountingSink(size_t max_rejections) : max_rejections_(max_rejections) {}
  void OnSource(const Source&) override {}
  void OnObservation(Observation&&) override { ++records; }
  void OnRelationship(Relationship&&) override { ++records; }
  void OnActor(ActorRecord&&) override { ++records; }
  void OnRejection(Rejection&& r) override {
    ++rejected;
    if (rejections.size() < max_rejections_) rejections.push_back(std::move(r));
  }
  size_t max_rejections_;
  int64_t records = 0;
  int64_t rejected = 0;
  std::vector<Rejection> rejections;
};

std::string SafeFileName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.empty()) out = "upload";
  if (out.size() > 100) out = out.substr(out.size() - 100);
  return out;
}

}  // namespace

SharingService::SharingService(ServiceOptions options, std::unique_ptr<Store> store,
                               std::unique_ptr<TokenRegistry> tokens)
    : options_(std::move(options)), store_(std::move(store)), tokens_(std::move(tokens)) {}

Result<std::unique_ptr<SharingService>> SharingService::Open(ServiceOptions options) {
  COTENANT_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(options.db_path));
  if (options.tokens_path.empty()) options.tokens_path = DefaultTokenPath(options.db_path);
  COTENANT_ASSIGN_OR_RETURN(std::unique_ptr<TokenRegistry> tokens,
                            TokenRegistry::Open(options.tokens_path));
  return std::unique_ptr<SharingService>(
      new SharingService(std::move(options), std::move(store), std::move(tokens)));
}

SharingPolicy SharingService::Policy(Tlp clearance) const {
  SharingPolicy p;
  p.clearance = clearance;
  p.unmarked_as = options_.unmarked_as;
  p.naming_as = options_.naming_as;
  return p;
}

Result<std::shared_ptr<const ViewBundle>> SharingService::View(Tlp clearance) {
  std::lock_guard store_lock(store_mu_);
  COTENANT_ASSIGN_OR_RETURN(IngestId last, store_->LastIngestId());
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(clearance);
    if (it != cache_.end() && it->second->view.as_of_ingest == last) return it->second;
  }
  auto bundle = std::make_shared<ViewBundle>();
  COTENANT_ASSIGN_OR_RETURN(bundle->view, BuildSharedView(*store_, Policy(clearance)));
  if (options_.findings) COTENANT_RETURN_IF_ERROR(options_.findings(*store_, bundle->view));
  bundle->stix = BuildStixObjects(bundle->view);
  AddMarkingDefinitions(bundle->stix);
  if (options_.report_json) bundle->report_json = options_.report_json(bundle->view);
  std::lock_guard lock(cache_mu_);
  cache_[clearance] = bundle;
  return std::shared_ptr<const ViewBundle>(bundle);
}

Result<IndicatorReport> SharingService::Lookup(const Indicator& indicator, Tlp clearance) {
  const Status not_found =
      NotFound("no record of " + std::string(IndicatorTypeName(indicator.type)) + " `" +
               indicator.value + "`");
  SharingPolicy policy = Policy(clearance);
  std::lock_guard lock(store_mu_);
  Result<IndicatorReport> r = store_->Lookup(indicator);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) return not_found;
    return r.status();
  }
  IndicatorReport report = std::move(r).value();
  std::erase_if(report.observations,
                [&](const StoredObservation& o) { return !policy.Cleared(o.observation.tlp); });
  std::erase_if(report.relationships, [&](const StoredRelationship& rel) {
    return !policy.Cleared(rel.relationship.tlp);
  });
  if (report.observations.empty() && report.relationships.empty()) return not_found;
  return report;
}

Result<UploadResult> SharingService::Ingest(std::string_view name, std::string_view content,
                                            const ReadOptions& read, size_t max_rejections) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) return IoError("no temporary directory: " + ec.message());
  COTENANT_ASSIGN_OR_RETURN(std::string nonce, RandomHex(8));
  dir /= "cotenant-upload-" + nonce;
  if (!std::filesystem::create_directory(dir, ec)) {
    return IoError("cannot create " + dir.string() + ": " + ec.message());
  }
  std::filesystem::path file = dir / SafeFileName(name);
  {
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) {
      std::filesystem::remove_all(dir, ec);
      return IoError("cannot write the upload to " + file.string());
    }
  }
  UploadResult result;
  IngestOptions options;
  options.read = read;
  Result<IngestSummary> summary = [&]() -> Result<IngestSummary> {
    std::lock_guard lock(store_mu_);
    return IngestPaths(*store_, {file.string()}, options, ReadPath);
  }();
  if (summary.ok() && summary->inputs.size() == 1 &&
      summary->inputs[0].outcome == InputOutcome::kSkipped) {
    // Same content as an earlier ingest: answer as if read now, so the answer does not reveal
    // that (or what) the store already holds.
    CountingSink sink(max_rejections);
    Status s = ReadPath(file.string(), read, sink);
    result.records = sink.records;
    result.rejected = sink.rejected;
    result.rejections = std::move(sink.rejections);
    if (!s.ok()) result.error = s.message();
  } else if (summary.ok()) {
    for (const InputResult& in : summary->inputs) {
      const IngestCounts& c = in.counts;
      result.records += c.observations + c.duplicate_observations + c.relationships +
                        c.duplicate_relationships + c.actor_records;
      if (!in.error.ok()) result.error = in.error.message();
    }
    for (const auto& [reason, n] : summary->rejected) result.rejected += n;
    result.rejections = summary->sample_rejections;
    if (result.rejected > static_cast<int64_t>(result.rejections.size()) &&
        summary->inputs.size() == 1 && summary->inputs[0].ingest_id != 0) {
      std::lock_guard lock(store_mu_);
      auto all = store_->ListRejections(summary->inputs[0].ingest_id, max_rejections);
      if (all.ok()) result.rejections = std::move(all).value();
    }
  }
  if (result.rejections.size() > max_rejections) result.rejections.resize(max_rejections);
  std::filesystem::remove_all(dir, ec);
  if (!summary.ok()) return summary.status();
  // Locations name the temporary file; show the uploaded name instead.
  for (Rejection& r : result.rejections) r.location.file = std::string(name);
  std::string tmp_prefix = file.string();
  size_t pos = result.error.find(tmp_prefix);
  if (pos != std::string::npos) result.error.replace(pos, tmp_prefix.size(), std::string(name));
  return result;
}

std::string SharingService::PutStatus(TaxiiStatus status) {
  Result<std::string> hex = RandomHex(16);
  std::string h = hex.ok() ? *hex : Sha256Hex(status.request_timestamp).substr(0, 32);
  status.id = h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-8" +
              h.substr(17, 3) + "-" + h.substr(20, 12);
  std::lock_guard lock(status_mu_);
  if (statuses_.size() > 10000) statuses_.erase(statuses_.begin());
  std::string id = status.id;
  statuses_[id] = std::move(status);
  return id;
}

std::optional<TaxiiStatus> SharingService::GetStatus(std::string_view id, int64_t token_id) {
  std::lock_guard lock(status_mu_);
  auto it = statuses_.find(std::string(id));
  if (it == statuses_.end() || it->second.token_id != token_id) return std::nullopt;
  return it->second;
}

}  // namespace cotenant::server
