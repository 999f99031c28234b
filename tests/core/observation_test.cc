#include "cotenant/observation.h"

#include <gtest/gtest.h>

namespace cotenant {
namespace {

TEST(RoleTest, NamesRoundTrip) {
  const Role all[] = {Role::kUnknown,      Role::kC2,         Role::kPayloadHost, Role::kPhishing,
                      Role::kExfiltration, Role::kDeadDrop,   Role::kScanner,     Role::kProxy,
                      Role::kSample,       Role::kCompromised};
  for (Role r : all) {
    auto back = RoleFromName(RoleName(r));
    ASSERT_TRUE(back.has_value()) << RoleName(r);
    EXPECT_EQ(*back, r);
  }
  EXPECT_EQ(RoleName(Role::kPayloadHost), "payload-host");
  EXPECT_EQ(RoleName(Role::kDeadDrop), "dead-drop");
  EXPECT_EQ(RoleFromName("C2"), Role::kC2);
  for (const char* bad : {"", "c&c", "payload host", "payload_host", "c2 ", "unknownn"}) {
    EXPECT_FALSE(RoleFromName(bad).has_value()) << bad;
  }
}

TEST(RoleTest, GuessRoleFromDescriptions) {
  const struct {
    const char* text;
    Role role;
  } cases[] = {
      {"C2", Role::kC2},
      {"c2 server", Role::kC2},
      {"C&C server", Role::kC2},
      {"CnC", Role::kC2},
      {"Command and Control", Role::kC2},
      {"command-and-control domain", Role::kC2},
      {"Cobalt Strike beacon", Role::kC2},
      {"C2 (port 443)", Role::kC2},
      {"payload-host", Role::kPayloadHost},
      {"download server", Role::kPayloadHost},
      {"Download URL", Role::kPayloadHost},
      {"stager", Role::kPayloadHost},
      {"Payload delivery", Role::kPayloadHost},
      {"download server for the C2 implant", Role::kPayloadHost},
      {"phishing", Role::kPhishing},
      {"Phishing domain", Role::kPhishing},
      {"spoofed login page", Role::kPhishing},
      {"lure document host", Role::kPhishing},
      {"exfil", Role::kExfiltration},
      {"Exfiltration server", Role::kExfiltration},
      {"exfiltration via Telegram bot", Role::kExfiltration},
      {"Telegram account", Role::kDeadDrop},
      {"telegram channel publishing C2 addresses", Role::kDeadDrop},
      {"dead drop resolver", Role::kDeadDrop},
      {"Pastebin page", Role::kDeadDrop},
      {"telegra.ph article", Role::kDeadDrop},
      {"proxy", Role::kProxy},
      {"VPN exit node", Role::kProxy},
      {"ORB relay", Role::kProxy},
      {"Tor exit", Role::kProxy},
      {"scanner", Role::kScanner},
      {"mass scanning", Role::kScanner},
      {"SSH brute-force", Role::kScanner},
      {"compromised legitimate site", Role::kCompromised},
      {"C2 on a compromised WordPress site", Role::kCompromised},
      {"hacked website", Role::kCompromised},
      {"sample", Role::kSample},
      {"Malware samples", Role::kSample},
      {"malware hash", Role::kSample},
      // Nothing role-like, or a cue only inside another word.
      {"", Role::kUnknown},
      {"see report", Role::kUnknown},
      {"ac2b", Role::kUnknown},
      {"scandal", Role::kUnknown},
      {"approxy", Role::kUnknown},
      {"orbit", Role::kUnknown},
      {"examples", Role::kUnknown},
      {"Downloader", Role::kUnknown},
      {"\xff\xfe c2", Role::kC2},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RoleName(GuessRole(c.text)), RoleName(c.role)) << "`" << c.text << "`";
  }
}

TEST(LocationTest, ToString) {
  EXPECT_EQ((Location{"trails/apt_x.txt", 17, ""}).ToString(), "trails/apt_x.txt:17");
  EXPECT_EQ((Location{"bundle.json", 0, "$.objects[3]"}).ToString(), "bundle.json:$.objects[3]");
  EXPECT_EQ((Location{"README.adoc", 0, ""}).ToString(), "README.adoc");
}

}  // namespace
}  // namespace cotenant
