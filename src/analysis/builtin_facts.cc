// cotenant's built-in facts: a few well-known shared services, each with its public source.
// Kept deliberately small; MISP warninglists (--warninglists) carry the long lists. Every list
// cites the page its entries were taken from; docs/analysis.md repeats the citations.
#include "cotenant/enrichment.h"

namespace cotenant {

Warninglists Warninglists::BuiltIn() {
  Warninglists w;
  auto add = [&](std::string name, ListMatch match, bool exact, std::string citation,
                 std::vector<std::string> entries) {
    ListInfo info;
    info.name = std::move(name);
    info.origin = "built-in";
    info.kind = ListKind::kServiceProvider;
    info.match = match;
    info.exact_hostname = exact;
    info.citation = std::move(citation);
    w.AddList(std::move(info), entries);
  };

  // Telegram publishes its own address ranges for firewall configuration.
  add("Telegram network ranges (built-in)", ListMatch::kCidr, false,
      "https://core.telegram.org/resources/cidr.txt",
      {"91.108.56.0/22", "91.108.4.0/22", "91.108.8.0/22", "91.108.16.0/22", "91.108.12.0/22",
       "149.154.160.0/20", "91.105.192.0/23", "91.108.20.0/22", "185.76.151.0/24",
       "2001:b28:f23d::/48", "2001:b28:f23f::/48", "2001:67c:4e8::/48", "2001:b28:f23c::/48",
       "2a0a:f280::/32"});

  // Telegram's own service domains (t.me links, Telegraph pages used as dead drops, the bot API
  // under api.telegram.org): the service, not any actor's infrastructure.
  add("Telegram service domains (built-in)", ListMatch::kHostname, false,
      "https://telegram.org/faq, https://core.telegram.org/bots/api, https://telegra.ph",
      {"telegram.org", "t.me", "telegram.me", "telegra.ph", "graph.org", "telesco.pe",
       "tdesktop.com"});

  // Major public recursive resolvers; malware queries them, they are nobody's C2.
  add("Public DNS resolvers (built-in)", ListMatch::kCidr, false,
      "https://developers.google.com/speed/public-dns/docs/using, "
      "https://developers.cloudflare.com/1.1.1.1/ip-addresses/, "
      "https://www.quad9.net/service/service-addresses-and-features, "
      "https://www.opendns.com/setupguide/, https://adguard-dns.io/kb/general/dns-providers/, "
      "https://dns.yandex.com/",
      {"8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "2001:4860:4860::8844", "1.1.1.1", "1.0.0.1",
       "2606:4700:4700::1111", "2606:4700:4700::1001", "9.9.9.9", "149.112.112.112", "2620:fe::fe",
       "2620:fe::9", "208.67.222.222", "208.67.220.220", "94.140.14.14", "94.140.15.15",
       "77.88.8.8", "77.88.8.1"});

  // Dynamic-DNS parents: every customer gets a subdomain, so the parent (and the registrable
  // domain level where the Public Suffix List does not already split them) is shared by
  // thousands of unrelated users. A customer's own subdomain is not matched.
  add("Dynamic DNS parent domains (built-in)", ListMatch::kHostname, true,
      "https://www.noip.com/support/faq/free-dynamic-dns-domains, https://www.duckdns.org, "
      "https://freedns.afraid.org/domain/registry/, https://www.dynu.com/en-US/DynamicDNS, "
      "https://www.changeip.com/accounts/knowledgebase.php",
      {"ddns.net",          "hopto.org",  "zapto.org",      "sytes.net",     "no-ip.org",
       "no-ip.biz",         "no-ip.info", "no-ip.com",      "servebeer.com", "serveftp.com",
       "myftp.biz",         "myftp.org",  "redirectme.net", "servehttp.com", "serveblog.net",
       "duckdns.org",       "dynu.net",   "dynu.com",       "freeddns.org",  "mooo.com",
       "chickenkiller.com", "afraid.org", "dyndns.org",     "changeip.com",  "3utilities.com",
       "ddnsking.com",      "gotdns.ch",  "linkpc.net",     "dnsfor.me",     "accesscam.org"});

  // Paste, webhook, request-capture and tunnel services used as dead drops or exfiltration
  // channels: the service is shared by everyone; the exact page URL stays specific.
  add("Paste, webhook and tunnel services (built-in)", ListMatch::kHostname, false,
      "https://pastebin.com, https://paste.ee, https://rentry.co, https://controlc.com, "
      "https://justpaste.it, https://webhook.site, https://api.slack.com/messaging/webhooks, "
      "https://discord.com/developers/docs/resources/webhook, https://pipedream.com, "
      "https://ngrok.com/docs, https://developers.cloudflare.com/cloudflare-one/connections/"
      "connect-networks/do-more-with-tunnels/trycloudflare/",
      {"pastebin.com",    "paste.ee",       "rentry.co",      "rentry.org",        "controlc.com",
       "justpaste.it",    "dpaste.com",     "hastebin.com",   "ghostbin.co",       "webhook.site",
       "hooks.slack.com", "discord.com",    "discordapp.com", "pipedream.net",     "requestbin.net",
       "ngrok.io",        "ngrok-free.app", "ngrok.app",      "trycloudflare.com", "serveo.net"});
  return w;
}

}  // namespace cotenant
