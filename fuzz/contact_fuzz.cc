// Fuzz target for EmailAddress, TelegramHandle and TelegramBotToken parsing. Properties: no
// crash or sanitizer report; every accepted value's canonical text parses back to the same
// value (round trip), and canonical forms obey their documented alphabets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/contact.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto email = cotenant::EmailAddress::Parse(text); email.ok()) {
    auto again = cotenant::EmailAddress::Parse(email->ToString());
    Check(again.ok() && *again == *email);
  }
  if (auto handle = cotenant::TelegramHandle::Parse(text); handle.ok()) {
    Check(handle->name().size() >= 5 && handle->name().size() <= 32);
    for (char c : handle->name()) Check(!(c >= 'A' && c <= 'Z'));
    auto from_link = cotenant::TelegramHandle::Parse(handle->ToString());
    auto from_at = cotenant::TelegramHandle::Parse("@" + handle->name());
    Check(from_link.ok() && *from_link == *handle && from_at.ok() && *from_at == *handle);
  }
  if (auto token = cotenant::TelegramBotToken::Parse(text); token.ok()) {
    Check(text.find(token->ToString()) != std::string_view::npos);
    Check(!token->bot_id().empty());
    auto again = cotenant::TelegramBotToken::Parse(token->ToString());
    Check(again.ok() && *again == *token);
  }
  return 0;
}
