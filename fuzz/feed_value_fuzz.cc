// Fuzz target for ParseFeedValue's shortcuts (declared hashes, addresses, domains): for any text,
// every declared type and both Telegram contexts, ParseFeedValue gives exactly what the full
// classification cascade (ParseFeedValueByClassifying) gives: the same indicator, or the same error
// message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cotenant/indicator.h"
#include "readers/common.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckOne(std::string_view text, std::optional<cotenant::IndicatorType> declared,
              bool telegram) {
  cotenant::ClassifyOptions options;
  options.telegram_context = telegram;
  auto fast = cotenant::readers::ParseFeedValue(text, declared, options);
  auto full = cotenant::readers::ParseFeedValueByClassifying(text, declared, options);
  Check(fast.ok() == full.ok());
  if (fast.ok()) {
    Check(*fast == *full && fast->display == full->display);
  } else {
    Check(fast.status().code() == full.status().code() &&
          fast.status().message() == full.status().message());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool telegram : {false, true}) {
    CheckOne(text, std::nullopt, telegram);
    for (int t = 0; t <= static_cast<int>(cotenant::IndicatorType::kTelegramBotToken); ++t) {
      CheckOne(text, static_cast<cotenant::IndicatorType>(t), telegram);
    }
  }
  return 0;
}
