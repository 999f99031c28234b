// Refang: undo the defanging vendors apply to indicators in reports and feeds.
//
// Handles hxxp/hXXp/h**p/hxxps/fxp (any case, before ':' '[' or '('), "[.]", "(.)", "{.}",
// "[dot]", "(dot)", "{dot}" (spaces around them included), markdown "\.", "[:]", "[://]",
// "[:]//", "[/]", "[//]", "[@]", "[at]", "(at)", "{at}", and strips table-cell wrapping:
// backticks, AsciiDoc "+...+" and "`+...+`", straight and curly quotes, "<...>", surrounding
// white space (also NBSP, zero-width space, BOM). The spelled-out " dot " (and one " at ") is
// undone only when the whole value is words joined by them ("user at example dot com"), so
// prose is left alone. Meant for one value or table cell, not running text (see extract.h).
// Never lengthens its input. Pure function, allocation only for the result.
#pragma once

#include <string>
#include <string_view>

namespace cotenant {

std::string Refang(std::string_view text);

// True when `text` contains any defanging marker Refang would change.
bool LooksDefanged(std::string_view text);

}  // namespace cotenant
