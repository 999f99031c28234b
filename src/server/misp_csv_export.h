// MISP event JSON and CSV exports of a SharedView (findings are added by findings.h).
#pragma once

#include <string>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/sharing.h"

namespace cotenant::server {

// The MISP attribute type for a value ("ip-dst", "ip-dst|port", "domain", "url", "sha256",
// "x509-fingerprint-sha256", "jarm-fingerprint", ...).
std::string_view MispAttributeType(IndicatorType type);
// The attribute value in MISP's form ("203.0.113.45|8443" for ip-dst|port).
std::string MispAttributeValue(const Indicator& indicator);

// One CSV field, quoted per RFC 4180 when needed; a leading '=', '+', '-' or '@' is prefixed
// with a quote character so that spreadsheet programs do not evaluate it.
std::string CsvField(std::string_view text);

}  // namespace cotenant::server
