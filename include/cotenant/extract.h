// Extraction: every indicator in free text (report prose, table cells, Telegram messages).
//
// Finds IPv4/IPv6 (with optional :port), CIDRs, URLs (also defanged hxxp and t.me links),
// domains (must end in a public suffix and not look like a file name: "invoice.pdf",
// "update.exe" are not domains), e-mails, hashes (only whole hex tokens: a 32-hex run inside a
// longer hex string is not an MD5), Telegram handles and bot tokens. Version numbers such as
// "v1.2.3.4" are not IPs. Each result carries the byte offset and length in the input.
// Thread-safe; the input is borrowed only during the call.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "cotenant/indicator.h"

namespace cotenant {

struct ExtractedIndicator {
  Indicator indicator;
  size_t offset = 0;  // byte offset of the (possibly defanged) token in the input
  size_t length = 0;  // byte length of that token
};

struct ExtractOptions {
  bool telegram_context = false;  // "@name" is a Telegram handle
};

std::vector<ExtractedIndicator> ExtractIndicators(std::string_view text,
                                                  const ExtractOptions& options = {});

}  // namespace cotenant
