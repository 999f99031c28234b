// Golden files for the naming value types: each line is "input<TAB>expected" where expected is
// "ok <canonical>[ display=<unicode>]" or "error: <message>".
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>

#include "cotenant/contact.h"
#include "cotenant/domain.h"
#include "cotenant/url.h"
#include "testing.h"

namespace cotenant {
namespace {

template <typename T, typename Render>
std::string ParseAndRender(std::string_view input, Render render) {
  auto parsed = T::Parse(input);
  if (!parsed.ok()) return "error: " + parsed.status().message();
  return "ok " + render(*parsed);
}

void ExpectGolden(const std::string& file, size_t min_cases,
                  const std::function<std::string(std::string_view)>& fn) {
  std::string path = testing::SourcePath("tests/golden/core/" + file);
  EXPECT_GE(testing::CountGoldenCases(path), min_cases) << path;
  for (const std::string& failure : testing::RunGoldenFile(path, fn)) ADD_FAILURE() << failure;
}

TEST(NamesGolden, Domain) {
  ExpectGolden("domain.txt", 80, [](std::string_view in) {
    return ParseAndRender<DomainName>(in, [](const DomainName& d) {
      std::string out = d.ToString();
      if (d.unicode() != d.ascii()) out += " display=" + d.unicode();
      return out;
    });
  });
}

std::string RenderUrl(const Url& u) {
  std::string out = u.ToString() + " host=" + u.host();
  if (u.host_is_ip()) out += " ip";
  return out;
}

TEST(NamesGolden, Url) {
  ExpectGolden("url.txt", 100,
               [](std::string_view in) { return ParseAndRender<Url>(in, RenderUrl); });
}

TEST(NamesGolden, UrlLenient) {
  ExpectGolden("url_lenient.txt", 15, [](std::string_view in) {
    auto parsed = Url::ParseLenient(in);
    if (!parsed.ok()) return "error: " + parsed.status().message();
    return "ok " + RenderUrl(*parsed);
  });
}

TEST(NamesGolden, UrlPath) {
  ExpectGolden("url_path.txt", 30, [](std::string_view in) {
    return ParseAndRender<UrlPath>(in, [](const UrlPath& p) { return p.ToString(); });
  });
}

TEST(NamesGolden, Email) {
  ExpectGolden("email.txt", 30, [](std::string_view in) {
    return ParseAndRender<EmailAddress>(in, [](const EmailAddress& e) { return e.ToString(); });
  });
}

TEST(NamesGolden, TelegramHandle) {
  ExpectGolden("telegram_handle.txt", 30, [](std::string_view in) {
    return ParseAndRender<TelegramHandle>(
        in, [](const TelegramHandle& h) { return h.ToString() + " name=" + h.name(); });
  });
}

TEST(NamesGolden, TelegramBotToken) {
  ExpectGolden("telegram_bot_token.txt", 20, [](std::string_view in) {
    return ParseAndRender<TelegramBotToken>(in, [](const TelegramBotToken& t) {
      return t.ToString() + " bot_id=" + std::string(t.bot_id());
    });
  });
}

}  // namespace
}  // namespace cotenant
