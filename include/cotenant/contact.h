// Contact-style indicators: e-mail addresses and Telegram handles and bot tokens.
//
// Telegram: "t.me/name", "t.me/s/name", "telegram.me/name", "https://t.me/name/123" and
// "@name" (only where the caller says the context is Telegram) are the handle "name"
// (canonical lower case; Telegram usernames are case-insensitive, 5-32 chars of [a-z0-9_],
// starting with a letter). "t.me" alone, "t.me/joinchat/..." invite links and "t.me/+..." are
// not handles, nor are reserved feature paths ("t.me/share", "t.me/proxy", "t.me/addstickers").
// Bot tokens are "<bot id digits>:<35 chars of [A-Za-z0-9_-]>", also found inside
// "api.telegram.org/bot<token>/..." URLs; tokens are case-sensitive and kept as given.
#pragma once

#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant {

class EmailAddress {
 public:
  // local@domain; the domain is canonicalized as a DomainName (IDN to A-label); the local part
  // keeps its case (RFC 5321) but is compared as given. Quoted local parts are rejected.
  static Result<EmailAddress> Parse(std::string_view text);
  const std::string& local() const { return local_; }
  const std::string& domain() const { return domain_; }
  std::string ToString() const { return local_ + "@" + domain_; }
  bool operator==(const EmailAddress&) const = default;

 private:
  std::string local_, domain_;
};

class TelegramHandle {
 public:
  // Accepts a t.me / telegram.me URL (with or without scheme, with "/s/"), or "@name" /
  // bare "name" (the caller vouches that the context is Telegram).
  static Result<TelegramHandle> Parse(std::string_view text);
  const std::string& name() const { return name_; }
  std::string ToString() const { return "t.me/" + name_; }  // canonical indicator text
  bool operator==(const TelegramHandle&) const = default;

 private:
  std::string name_;
};

class TelegramBotToken {
 public:
  // A bare token, or any URL containing "/bot<token>".
  static Result<TelegramBotToken> Parse(std::string_view text);
  const std::string& ToString() const { return token_; }
  // The numeric bot id before the colon.
  std::string_view bot_id() const;
  bool operator==(const TelegramBotToken&) const = default;

 private:
  std::string token_;
};

}  // namespace cotenant
