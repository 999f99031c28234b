#include "server/misp_csv_export.h"

namespace cotenant::server {

std::string_view MispAttributeType(IndicatorType type) {
  switch (type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr:
      return "ip-dst";
    case IndicatorType::kEndpoint:
      return "ip-dst|port";
    case IndicatorType::kAsn:
      return "AS";
    case IndicatorType::kDomain:
      return "domain";
    case IndicatorType::kUrl:
      return "url";
    case IndicatorType::kUrlPath:
      return "uri";
    case IndicatorType::kMd5:
      return "md5";
    case IndicatorType::kSha1:
      return "sha1";
    case IndicatorType::kSha256:
      return "sha256";
    case IndicatorType::kSha512:
      return "sha512";
    case IndicatorType::kSsdeep:
      return "ssdeep";
    case IndicatorType::kTlsh:
      return "tlsh";
    case IndicatorType::kImphash:
      return "imphash";
    case IndicatorType::kCertSha1:
      return "x509-fingerprint-sha1";
    case IndicatorType::kCertSha256:
      return "x509-fingerprint-sha256";
    case IndicatorType::kCertSerial:
      return "text";
    case IndicatorType::kJa3:
      return "ja3-fingerprint-md5";
    case IndicatorType::kJa3s:
      return "text";  // MISP has no JA3S type
    case IndicatorType::kJarm:
      return "jarm-fingerprint";
    case IndicatorType::kEmail:
      return "email-src";
    case IndicatorType::kTelegramHandle:
      return "url";
    case IndicatorType::kTelegramBotToken:
      return "text";
  }
  return "text";
}

std::string MispAttributeValue(const Indicator& ind) {
  switch (ind.type) {
    case IndicatorType::kEndpoint: {
      size_t colon = ind.value.rfind(':');
      std::string ip = ind.value.substr(0, colon);
      if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
      return ip + "|" + ind.value.substr(colon + 1);
    }
    case IndicatorType::kAsn:
      return ind.value.starts_with("AS") ? ind.value.substr(2) : ind.value;
    case IndicatorType::kTelegramHandle:
      return "https://" + ind.value;
    default:
      return ind.value;
  }
}

std::string CsvField(std::string_view text) {
  std::string value(text);
  if (!value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace cotenant::server
