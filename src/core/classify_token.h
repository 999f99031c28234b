// ClassifyRefangedToken: the typing step of ClassifyIndicator without refanging or trimming,
// shared with the extractor, which refangs while it scans. Private to src/core.
#pragma once

#include <string_view>

#include "cotenant/indicator.h"

namespace cotenant {

// `token` is already refanged, trimmed and non-empty, with no white space inside.
Result<Indicator> ClassifyRefangedToken(std::string_view token, const ClassifyOptions& options);

}  // namespace cotenant
