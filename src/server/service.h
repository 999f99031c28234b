// SharingService: what `cotenant serve` serves, shared by the JSON API, TAXII and the UI.
//
// Holds the store (one connection, serialized by a mutex), the token registry, and one cached
// SharedView per clearance, rebuilt when the store's last ingest id moves (also after an
// ingest by another process). Findings are attached by the FindingsFunction (the analysis
// over the visible observations). Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cotenant/access.h"
#include "cotenant/ingest.h"
#include "cotenant/sharing.h"
#include "cotenant/store.h"
#include "server/stix_export.h"

namespace cotenant::server {

// Adds findings to a freshly built view, from the observations the view holds (its policy).
using FindingsFunction = std::function<Status(Store& store, SharedView& view)>;

// One view and everything derived from it that requests reuse.
struct ViewBundle {
  SharedView view;
  std::vector<StixObject> stix;  // sorted by (added, id), marking definitions included
  std::string report_json;       // the data the UI and the report render
};

// A TAXII status resource.
struct TaxiiStatus {
  std::string id;
  int64_t token_id = 0;  // only the token that posted may read it
  std::string request_timestamp;
  std::string status = "complete";
  struct Item {
    std::string id;
    std::string version;
    std::string message;
  };
  std::vector<Item> successes, failures, pendings;
};

// What an upload did, without counts that would reveal what the store already held.
struct UploadResult {
  int64_t records = 0;  // observations, relationships and naming records read
  int64_t rejected = 0;
  std::vector<Rejection> rejections;  // the first ones
  std::string error;                  // the reader's error when the file failed as a whole
};

struct ServiceOptions {
  std::string db_path;
  std::string tokens_path;
  Tlp unmarked_as = Tlp::kAmber;
  Tlp naming_as = Tlp::kClear;
  FindingsFunction findings;  // may be empty: no findings
  // Renders the report data for a view (report.h); may be empty.
  std::function<std::string(const SharedView&)> report_json;
};

class SharingService {
 public:
  static Result<std::unique_ptr<SharingService>> Open(ServiceOptions options);

  Result<Principal> Authenticate(std::string_view token) { return tokens_->Authenticate(token); }
  // The view for a clearance (cached; rebuilt when the store moved on).
  Result<std::shared_ptr<const ViewBundle>> View(Tlp clearance);
  // Everything the store knows about a value, filtered to the clearance; NotFound (with the
  // same message whether the value is unknown or above clearance) when nothing is visible.
  Result<IndicatorReport> Lookup(const Indicator& indicator, Tlp clearance);
  // Ingests an uploaded file (read with `read` options; format auto when kAuto).
  // `max_rejections` bounds UploadResult::rejections.
  Result<UploadResult> Ingest(std::string_view name, std::string_view content,
                              const ReadOptions& read, size_t max_rejections = 20);

  std::string PutStatus(TaxiiStatus status);  // returns its id
  std::optional<TaxiiStatus> GetStatus(std::string_view id, int64_t token_id);

  const ServiceOptions& options() const { return options_; }
  SharingPolicy Policy(Tlp clearance) const;

 private:
  SharingService(ServiceOptions options, std::unique_ptr<Store> store,
                 std::unique_ptr<TokenRegistry> tokens);

  ServiceOptions options_;
  std::mutex store_mu_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TokenRegistry> tokens_;
  std::mutex cache_mu_;
  std::map<Tlp, std::shared_ptr<const ViewBundle>> cache_;
  std::mutex status_mu_;
  std::map<std::string, TaxiiStatus> statuses_;
};

}  // namespace cotenant::server
