// Refang: undo the defanging vendors apply to indicators in reports and feeds.
//
// Handles hxxp/hXXp/hxxps/fxp, "[.]", "(.)", "{.}", "[dot]", "(dot)", " dot ", "[:]",
// "[://]", "[:]//", "[@]", "[at]", "(at)", and strips table-cell wrapping: backticks,
// AsciiDoc "+...+" and "`+...+`", surrounding quotes, and surrounding white space.
// Pure function, allocation only for the result.
#pragma once

#include <string>
#include <string_view>

namespace cotenant {

std::string Refang(std::string_view text);

// True when `text` contains any defanging marker Refang would change.
bool LooksDefanged(std::string_view text);

}  // namespace cotenant
