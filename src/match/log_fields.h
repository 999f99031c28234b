// The log fields the matcher reads, by format. Probe::field indexes kFieldNames.
#pragma once

#include <cstdint>
#include <string_view>

#include "cotenant/match_snapshot.h"

namespace cotenant::match_internal {

enum : uint16_t {
  kFieldValue,  // plain lists
  // Zeek (TSV and JSON share the names)
  kZeekOrigH,
  kZeekRespH,
  kZeekTxHosts,
  kZeekRxHosts,
  kZeekQuery,
  kZeekAnswers,
  kZeekHost,
  kZeekUrl,  // host + uri
  kZeekServerName,
  kZeekJa3,
  kZeekJa3s,
  kZeekJarm,
  kZeekCertChainFps,
  kZeekClientCertChainFps,
  kZeekFingerprint,
  kZeekSanDns,
  kZeekSanIp,
  kZeekSanEmail,
  kZeekMd5,
  kZeekSha1,
  kZeekSha256,
  kZeekMailfrom,
  kZeekRcptto,
  kZeekFrom,
  kZeekTo,
  kZeekCc,
  kZeekReplyTo,
  kZeekXOriginatingIp,
  kZeekPath,
  kZeekHelo,
  // Suricata eve.json
  kEveSrcIp,
  kEveDestIp,
  kEveDnsRrname,
  kEveDnsRdata,
  kEveDnsAnswersRrname,
  kEveDnsAnswersRdata,
  kEveDnsGrouped,
  kEveDnsQueriesRrname,
  kEveHttpHostname,
  kEveHttpUrl,  // hostname + url
  kEveTlsSni,
  kEveTlsFingerprint,
  kEveTlsJa3,
  kEveTlsJa3s,
  kEveFileMd5,
  kEveFileSha1,
  kEveFileSha256,
  kEveSmtpHelo,
  kEveSmtpMailFrom,
  kEveSmtpRcptTo,
  kEveEmailFrom,
  kEveEmailTo,
  kEveEmailCc,
  kFieldCount,
};

inline constexpr std::string_view kFieldNames[kFieldCount] = {
    "value",
    "id.orig_h",
    "id.resp_h",
    "tx_hosts",
    "rx_hosts",
    "query",
    "answers",
    "host",
    "url",
    "server_name",
    "ja3",
    "ja3s",
    "jarm",
    "cert_chain_fps",
    "client_cert_chain_fps",
    "fingerprint",
    "san.dns",
    "san.ip",
    "san.email",
    "md5",
    "sha1",
    "sha256",
    "mailfrom",
    "rcptto",
    "from",
    "to",
    "cc",
    "reply_to",
    "x_originating_ip",
    "path",
    "helo",
    "src_ip",
    "dest_ip",
    "dns.rrname",
    "dns.rdata",
    "dns.answers.rrname",
    "dns.answers.rdata",
    "dns.grouped",
    "dns.queries.rrname",
    "http.hostname",
    "http.url",
    "tls.sni",
    "tls.fingerprint",
    "tls.ja3.hash",
    "tls.ja3s.hash",
    "fileinfo.md5",
    "fileinfo.sha1",
    "fileinfo.sha256",
    "smtp.helo",
    "smtp.mail_from",
    "smtp.rcpt_to",
    "email.from",
    "email.to",
    "email.cc",
};

struct ZeekFieldSpec {
  std::string_view name;
  uint16_t field;
  ObservedKind kind;
  bool container;  // a set or vector (also when #types is missing)
  bool also_cert;  // files.log: the file may be a certificate
};

// Zeek field names the matcher reads. "host"/"uri" also build the URL probe.
inline constexpr ZeekFieldSpec kZeekFields[] = {
    {"id.orig_h", kZeekOrigH, ObservedKind::kIp, false, false},
    {"id.resp_h", kZeekRespH, ObservedKind::kIp, false, false},
    {"tx_hosts", kZeekTxHosts, ObservedKind::kIp, true, false},
    {"rx_hosts", kZeekRxHosts, ObservedKind::kIp, true, false},
    {"query", kZeekQuery, ObservedKind::kHost, false, false},
    {"answers", kZeekAnswers, ObservedKind::kHost, true, false},
    {"host", kZeekHost, ObservedKind::kHost, false, false},
    {"server_name", kZeekServerName, ObservedKind::kHost, false, false},
    {"ja3", kZeekJa3, ObservedKind::kJa3, false, false},
    {"ja3s", kZeekJa3s, ObservedKind::kJa3s, false, false},
    {"jarm", kZeekJarm, ObservedKind::kJarm, false, false},
    {"cert_chain_fps", kZeekCertChainFps, ObservedKind::kCertHash, true, false},
    {"client_cert_chain_fps", kZeekClientCertChainFps, ObservedKind::kCertHash, true, false},
    {"fingerprint", kZeekFingerprint, ObservedKind::kCertHash, false, false},
    {"san.dns", kZeekSanDns, ObservedKind::kHost, true, false},
    {"san.ip", kZeekSanIp, ObservedKind::kIp, true, false},
    {"san.email", kZeekSanEmail, ObservedKind::kEmail, true, false},
    {"md5", kZeekMd5, ObservedKind::kFileHash, false, false},
    {"sha1", kZeekSha1, ObservedKind::kFileHash, false, true},
    {"sha256", kZeekSha256, ObservedKind::kFileHash, false, true},
    {"mailfrom", kZeekMailfrom, ObservedKind::kEmail, false, false},
    {"rcptto", kZeekRcptto, ObservedKind::kEmail, true, false},
    {"from", kZeekFrom, ObservedKind::kEmail, false, false},
    {"to", kZeekTo, ObservedKind::kEmail, true, false},
    {"cc", kZeekCc, ObservedKind::kEmail, true, false},
    {"reply_to", kZeekReplyTo, ObservedKind::kEmail, false, false},
    {"x_originating_ip", kZeekXOriginatingIp, ObservedKind::kIp, false, false},
    {"path", kZeekPath, ObservedKind::kIp, true, false},
    {"helo", kZeekHelo, ObservedKind::kHost, false, false},
};

inline const ZeekFieldSpec* FindZeekField(std::string_view name) {
  for (const auto& spec : kZeekFields) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace cotenant::match_internal
