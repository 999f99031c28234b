#include "cotenant/contact.h"

#include <array>
#include <string>

#include "core/text.h"
#include "cotenant/domain.h"

namespace cotenant {
namespace {

// ---- e-mail ----------------------------------------------------------------------------------

constexpr size_t kMaxLocalBytes = 64;     // RFC 5321 4.5.3.1.1
constexpr size_t kMaxAddressBytes = 254;  // RFC 5321 path limit minus the angle brackets

Status EmailError(std::string_view text, std::string_view reason) {
  return InvalidArgument("invalid e-mail address " + core::Quoted(text) + ": " +
                         std::string(reason));
}

// RFC 5322 atext; bytes >= 0x80 are UTF-8 (RFC 6531 SMTPUTF8), already checked for validity.
bool IsAtext(char c) {
  if (core::IsAsciiAlpha(c) || core::IsAsciiDigit(c)) return true;
  if (static_cast<unsigned char>(c) >= 0x80) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(c) != std::string_view::npos;
}

// ---- Telegram --------------------------------------------------------------------------------

Status TelegramError(std::string_view text, std::string_view reason) {
  return InvalidArgument("invalid Telegram handle " + core::Quoted(text) + ": " +
                         std::string(reason));
}

// First path segments of t.me that are Telegram features, not users or channels (and so never
// usernames). Some are shorter than 5 characters; they are listed for the clearer message.
// ("c" is a private channel's message link, "t.me/c/<channel id>/<message id>".)
constexpr std::array<std::string_view, 17> kReservedPaths = {
    "joinchat", "addstickers", "addemoji", "addtheme",     "addlist", "share", "proxy",
    "socks",    "setlanguage", "login",    "confirmphone", "invoice", "boost", "contact",
    "giftcode", "iv",          "c"};

// Telegram usernames: 5-32 of [A-Za-z0-9_], starting with a letter.
Status CheckUsername(std::string_view text, std::string_view name) {
  if (name.size() < 5) return TelegramError(text, "username shorter than 5 characters");
  if (name.size() > 32) return TelegramError(text, "username longer than 32 characters");
  if (!core::IsAsciiAlpha(name.front())) {
    return TelegramError(text, "username must start with a letter");
  }
  for (char c : name) {
    if (!(core::IsAsciiAlpha(c) || core::IsAsciiDigit(c) || c == '_')) {
      return TelegramError(
          text, "invalid character " + core::Quoted(std::string_view(&c, 1)) + " in username");
    }
  }
  // t.me/<name> of a reserved path is a feature page, so no account can own such a name.
  std::string lowered = core::AsciiLower(name);
  for (std::string_view reserved : kReservedPaths) {
    if (lowered == reserved) {
      return TelegramError(text,
                           core::Quoted(name) + " is a reserved Telegram path, not a username");
    }
  }
  return Status::Ok();
}

// Splits "host/rest" after an optional http(s):// scheme. Returns false when there is no
// Telegram host ("t.me", "telegram.me", "telegram.dog", optionally "www.").
bool SplitTelegramHost(std::string_view text, std::string_view* host, std::string_view* rest) {
  std::string_view s = text;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (core::StartsWithIgnoreAsciiCase(s, scheme)) {
      s.remove_prefix(scheme.size());
      break;
    }
  }
  size_t end = s.find_first_of("/?#");
  std::string_view h = s.substr(0, end);
  if (h.size() > 1 && h.back() == '.') h.remove_suffix(1);
  std::string_view bare = h;
  if (core::StartsWithIgnoreAsciiCase(bare, "www.")) bare.remove_prefix(4);
  for (std::string_view known : {"t.me", "telegram.me", "telegram.dog"}) {
    if (core::EqualsIgnoreAsciiCase(bare, known)) {
      *host = h;
      *rest = end == std::string_view::npos ? std::string_view() : s.substr(end);
      return true;
    }
  }
  return false;
}

Result<std::string> HandleFromPath(std::string_view text, std::string_view rest) {
  // rest is "" or starts with '/', '?' or '#'.
  if (rest.empty() || rest[0] != '/') {
    return TelegramError(text, "`t.me` alone is the Telegram service, not a handle");
  }
  rest.remove_prefix(1);
  size_t end = rest.find_first_of("/?#");
  std::string_view first = rest.substr(0, end);
  std::string_view after = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (first.empty()) {
    return TelegramError(text, "`t.me` alone is the Telegram service, not a handle");
  }
  if (first[0] == '+') return TelegramError(text, "an invite link is not a handle");
  std::string lowered = core::AsciiLower(first);
  if (lowered == "joinchat") return TelegramError(text, "an invite link is not a handle");
  for (std::string_view reserved : kReservedPaths) {
    if (lowered == reserved) {
      return TelegramError(text, "reserved Telegram path " + core::Quoted(first));
    }
  }
  if (lowered == "s") {  // t.me/s/name: the public web preview of a channel
    if (after.empty() || after[0] != '/') return TelegramError(text, "`t.me/s/` without a name");
    after.remove_prefix(1);
    end = after.find_first_of("/?#");
    first = after.substr(0, end);
    after = end == std::string_view::npos ? std::string_view() : after.substr(end);
    if (first.empty()) return TelegramError(text, "`t.me/s/` without a name");
  }
  // What may follow the name: "/<message id>", a trailing "/", a query or a fragment.
  if (!after.empty() && after[0] == '/') {
    std::string_view tail = after.substr(1);
    size_t digits = 0;
    while (digits < tail.size() && core::IsAsciiDigit(tail[digits])) ++digits;
    tail.remove_prefix(digits);
    if (!tail.empty() && tail[0] == '/') tail.remove_prefix(1);
    if (!tail.empty() && tail[0] != '?' && tail[0] != '#') {
      return TelegramError(text, "unexpected path after the handle");
    }
  }
  return std::string(first);
}

constexpr size_t kTokenSecretChars = 35;
constexpr size_t kMaxBotIdDigits = 20;

bool IsTokenChar(char c) {
  return core::IsAsciiAlpha(c) || core::IsAsciiDigit(c) || c == '_' || c == '-';
}

// Checks "<digits>:<35 token chars>" exactly.
Status CheckToken(std::string_view text, std::string_view token) {
  auto error = [&](std::string_view reason) {
    return InvalidArgument("invalid Telegram bot token " + core::Quoted(text) + ": " +
                           std::string(reason));
  };
  size_t colon = token.find(':');
  if (colon == std::string_view::npos) return error("no `:` between bot id and secret");
  std::string_view id = token.substr(0, colon);
  std::string_view secret = token.substr(colon + 1);
  if (id.empty()) return error("empty bot id");
  if (id.size() > kMaxBotIdDigits) return error("bot id longer than 20 digits");
  for (char c : id) {
    if (!core::IsAsciiDigit(c)) return error("bot id is not a number");
  }
  if (id[0] == '0') return error("bot id starts with 0");
  if (secret.size() != kTokenSecretChars) {
    return error("secret is " + std::to_string(secret.size()) + " characters, not 35");
  }
  for (char c : secret) {
    if (!IsTokenChar(c)) {
      return error("invalid character " + core::Quoted(std::string_view(&c, 1)) + " in secret");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<EmailAddress> EmailAddress::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty e-mail address");
  if (size_t bad = core::FindInvalidUtf8(text); bad != std::string_view::npos) {
    return EmailError(text, "invalid UTF-8 at byte " + std::to_string(bad));
  }
  size_t at = text.rfind('@');
  if (at == std::string_view::npos) return EmailError(text, "no `@`");
  std::string_view local = text.substr(0, at);
  std::string_view domain_text = text.substr(at + 1);
  if (local.empty()) return EmailError(text, "empty local part");
  if (local.front() == '"') return EmailError(text, "quoted local parts are not supported");
  if (local.size() > kMaxLocalBytes) return EmailError(text, "local part longer than 64 bytes");
  for (size_t i = 0; i < local.size(); ++i) {
    char c = local[i];
    if (c == '.') {
      if (i == 0 || i + 1 == local.size() || local[i + 1] == '.') {
        return EmailError(text, "`.` at the start or end of the local part, or doubled");
      }
    } else if (!IsAtext(c)) {
      return EmailError(text, "invalid character " + core::Quoted(std::string_view(&c, 1)) +
                                  " in the local part");
    }
  }
  if (domain_text.empty()) return EmailError(text, "empty domain");
  if (domain_text.front() == '[') {
    return EmailError(text, "address literals (`[192.0.2.1]`) are not supported");
  }
  auto domain = DomainName::Parse(domain_text);
  if (!domain.ok()) return EmailError(text, domain.status().message());
  if (domain->wildcard()) return EmailError(text, "a wildcard is not a mail domain");
  EmailAddress out;
  out.local_ = std::string(local);
  out.domain_ = domain->ascii();
  if (out.local_.size() + 1 + out.domain_.size() > kMaxAddressBytes) {
    return EmailError(text, "address longer than 254 bytes");
  }
  return out;
}

Result<TelegramHandle> TelegramHandle::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty Telegram handle");
  std::string_view host, rest;
  std::string name;
  if (SplitTelegramHost(text, &host, &rest)) {
    COTENANT_ASSIGN_OR_RETURN(name, HandleFromPath(text, rest));
  } else if (core::StartsWithIgnoreAsciiCase(text, "tg://resolve?domain=")) {
    std::string_view value = text.substr(20);
    name = std::string(value.substr(0, value.find('&')));
  } else if (text.front() == '@') {
    name = std::string(text.substr(1));
  } else if (text.find_first_of(":/.") != std::string_view::npos) {
    return TelegramError(text, "not a t.me, telegram.me or telegram.dog link");
  } else {
    name = std::string(text);
  }
  COTENANT_RETURN_IF_ERROR(CheckUsername(text, name));
  TelegramHandle out;
  out.name_ = core::AsciiLower(name);
  return out;
}

Result<TelegramBotToken> TelegramBotToken::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty Telegram bot token");
  std::string_view token = text;
  // A Bot API URL: https://api.telegram.org/bot<token>/<method>; the first "/bot" segment
  // that holds a valid token wins, otherwise the first one's error is reported.
  if (size_t bot = text.find("/bot"); bot != std::string_view::npos) {
    Status first_error;
    for (; bot != std::string_view::npos; bot = text.find("/bot", bot + 1)) {
      std::string_view candidate = text.substr(bot + 4);
      candidate = candidate.substr(0, candidate.find_first_of("/?#"));
      Status status = CheckToken(text, candidate);
      if (status.ok()) {
        token = candidate;
        break;
      }
      if (first_error.ok()) first_error = status;
    }
    if (bot == std::string_view::npos) return first_error;
  } else if (text.find("://") != std::string_view::npos) {
    return InvalidArgument("invalid Telegram bot token " + core::Quoted(text) +
                           ": a URL without a /bot<token> segment");
  }
  COTENANT_RETURN_IF_ERROR(CheckToken(text, token));
  TelegramBotToken out;
  out.token_ = std::string(token);
  return out;
}

std::string_view TelegramBotToken::bot_id() const {
  return std::string_view(token_).substr(0, token_.find(':'));
}

}  // namespace cotenant
