// The routes of `cotenant serve`: the JSON API (docs/api.md), TAXII 2.1 and the live UI.
// Every route but the UI's static page needs a token; every answer is built from the
// caller's SharedView or filtered to the caller's clearance. Thread-safe.
#pragma once

#include <string>

#include "server/http.h"
#include "server/service.h"

namespace cotenant::server {

struct ApiOptions {
  size_t max_body_bytes = 32 << 20;  // advertised as TAXII max_content_length
  std::string ui_html;               // the live UI page (report.h); empty: no UI
  // Runs the matcher over an uploaded log against the visible indicators; empty when the
  // matcher is not built in (the route then answers 501).
  std::function<Result<std::string>(const SharedView& view, std::string_view log,
                                    std::string_view format)>
      match;
};

HttpResponse HandleRequest(SharingService& service, const ApiOptions& options,
                           const HttpRequest& request);

// TAXII 2.1 routes under /taxii2/ (taxii.cc); `principal` is authenticated.
HttpResponse HandleTaxii(SharingService& service, const ApiOptions& options,
                         const Principal& principal, const HttpRequest& request);

HttpResponse JsonError(int status, std::string_view message);

}  // namespace cotenant::server
