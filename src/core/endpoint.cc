#include "cotenant/endpoint.h"

#include <fmt/format.h>

#include "core/net_text.h"

namespace cotenant {

Result<Endpoint> Endpoint::Parse(std::string_view text) {
  using net_internal::InvalidInput;
  // "[" + 45 bytes of IPv6 + "]:" + 5 digits.
  constexpr size_t kMaxText = 64;
  if (text.empty()) return InvalidArgument("empty text is not an endpoint");
  if (net_internal::HasOuterSpace(text)) {
    return InvalidInput(text, "leading or trailing whitespace");
  }
  if (text.size() > kMaxText) return InvalidInput(text, "too long for an endpoint");
  std::string_view address_text;
  std::string_view port_text;
  bool bracketed = false;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return InvalidInput(text, "missing `]`");
    address_text = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return InvalidInput(text, "missing `:port` after `]`");
    if (rest.front() != ':') return InvalidInput(text, "expected `:port` after `]`");
    port_text = rest.substr(1);
    bracketed = true;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return InvalidInput(text, "missing `:port`");
    address_text = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (address_text.find(':') != std::string_view::npos) {
      return InvalidInput(text,
                          "more than one `:` (an IPv6 endpoint needs brackets, as in "
                          "`[2001:db8::1]:443`)");
    }
  }
  if (address_text.empty()) return InvalidInput(text, "missing address");
  bool text_is_v6 = false;
  auto ip = net_internal::ParseIpReason(address_text, &text_is_v6);
  if (!ip.ok()) return InvalidInput(text, ip.status().message());
  if (bracketed && !text_is_v6) {
    return InvalidInput(text, "brackets are only for IPv6 addresses");
  }
  auto port = net_internal::ParseDecimal(port_text, 1, 65535, "port");
  if (!port.ok()) return InvalidInput(text, port.status().message());
  return Endpoint(*ip, static_cast<uint16_t>(*port));
}

std::string Endpoint::ToString() const {
  if (ip_.is_v4()) return fmt::format("{}:{}", ip_.ToString(), port_);
  return fmt::format("[{}]:{}", ip_.ToString(), port_);
}

Result<Asn> Asn::Parse(std::string_view text) {
  using net_internal::InvalidInput;
  constexpr size_t kMaxText = 32;
  if (text.empty()) return InvalidArgument("empty text is not an AS number");
  if (net_internal::HasOuterSpace(text)) {
    return InvalidInput(text, "leading or trailing whitespace");
  }
  if (text.size() > kMaxText) return InvalidInput(text, "too long for an AS number");
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  std::string_view digits = text;
  if (digits.size() >= 2 && lower(digits[0]) == 'a' && lower(digits[1]) == 's') {
    digits.remove_prefix(2);
    if (!digits.empty() && lower(digits[0]) == 'n') digits.remove_prefix(1);
    if (!digits.empty() && digits[0] == ' ') digits.remove_prefix(1);
  }
  if (digits.empty()) return InvalidInput(text, "missing AS number");
  uint32_t number = 0;
  if (const size_t dot = digits.find('.'); dot != std::string_view::npos) {
    // asdot (RFC 5396): "1.10" is 1 * 65536 + 10.
    auto high = net_internal::ParseDecimal(digits.substr(0, dot), 0, 65535, "asdot high part");
    if (!high.ok()) return InvalidInput(text, high.status().message());
    auto low = net_internal::ParseDecimal(digits.substr(dot + 1), 0, 65535, "asdot low part");
    if (!low.ok()) return InvalidInput(text, low.status().message());
    number = (*high << 16) | *low;
  } else {
    auto plain = net_internal::ParseDecimal(digits, 0, 0xffffffffU, "AS number");
    if (!plain.ok()) return InvalidInput(text, plain.status().message());
    number = *plain;
  }
  // Placeholders, not networks: feeds write them for "unknown", and treating them as values
  // would make unrelated actors share an ASN.
  if (number == 0) return InvalidInput(text, "AS0 is reserved (RFC 7607) and names no network");
  if (number == 23456) {
    return InvalidInput(text, "AS23456 is AS_TRANS (RFC 6793), a placeholder for a 4-byte AS");
  }
  if (number == 0xffffffffU) {
    return InvalidInput(text, "AS4294967295 is reserved (RFC 7300) and names no network");
  }
  return Asn(number);
}

std::string Asn::ToString() const { return fmt::format("AS{}", number_); }

}  // namespace cotenant
