#include "store/alias_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sha256.h"

namespace cotenant::store {
namespace {

NamingRecord Rec(std::string source, std::string name, std::vector<std::string> aliases,
                 std::string external_id = "", std::vector<std::string> part_of = {}) {
  static int64_t next_id = 1;
  NamingRecord r;
  r.id = next_id++;
  r.source = std::move(source);
  r.name = std::move(name);
  r.aliases = std::move(aliases);
  r.external_id = std::move(external_id);
  r.part_of = std::move(part_of);
  return r;
}

AliasOverrides ParseOk(std::string_view text) {
  auto o = AliasOverrides::Parse(text, "test.overrides");
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? *o : AliasOverrides{};
}

// A small naming world modelled on the real MISP galaxy and ATT&CK data.
std::vector<NamingRecord> World() {
  return {
      Rec("misp-galaxy:threat-actor", "APT28", {"Fancy Bear", "Sofacy", "Grizzly Steppe"}),
      Rec("misp-galaxy:threat-actor", "APT29", {"Cozy Bear", "Grizzly Steppe"}),
      Rec("mitre-attack", "APT28", {"APT28", "IRON TWILIGHT", "Sednit"}, "G0007"),
      Rec("misp-galaxy:mitre-intrusion-set", "APT28 - G0007", {"Pawn Storm"}),
      Rec("mitre-attack", "Magic Hound", {"TA453", "Charming Kitten"}, "G0059"),
      Rec("misp-galaxy:threat-actor", "Charming Kitten", {"Newscaster"}),
      Rec("misp-galaxy:threat-actor", "APT35", {"Charming Kitten", "Magic Hound"}),
      Rec("misp-galaxy:threat-actor", "Lazarus Group", {"Andariel", "BlueNoroff", "Hidden Cobra"}),
      Rec("mitre-attack", "Andariel", {"Silent Chollima"}, "G0138", {"Lazarus Group"}),
  };
}

TEST(NormalizeActorName, FoldsCaseAndPunctuation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"APT28", "apt28"},
      {"APT 28", "apt28"},
      {"apt-28", "apt28"},
      {"Fancy_Bear", "fancybear"},
      {" TA505 ", "ta505"},
      {"UNC2452.", "unc2452"},
      {"Кобальт", "Кобальт"},
      {"", ""},
      {"---", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NormalizeActorName(in), want) << in;
}

TEST(AttackGroupId, FromSuffixOrExternalId) {
  EXPECT_EQ(AttackGroupId("Ajax Security Team - G0130", ""), "G0130");
  EXPECT_EQ(AttackGroupId("APT28", "G0007"), "G0007");
  EXPECT_EQ(AttackGroupId("APT28", "7a1f-uuid"), "");
  EXPECT_EQ(AttackGroupId("Team - G01", ""), "");
  EXPECT_EQ(StripAttackSuffix("Ajax Security Team - G0130"), "Ajax Security Team");
  EXPECT_EQ(StripAttackSuffix("APT28"), "APT28");
}

TEST(AliasOverrides, AcceptsDocumentedLines) {
  AliasOverrides o = ParseOk(
      "# comment\n"
      "\n"
      "Fancy Bear = APT28\n"
      "  split:  Andariel  \n"
      "part-of: Andariel -> Lazarus Group\n");
  ASSERT_EQ(o.aliases.size(), 1u);
  EXPECT_EQ(o.aliases[0].name, "Fancy Bear");
  EXPECT_EQ(o.aliases[0].canonical, "APT28");
  EXPECT_EQ(o.aliases[0].line, 3);
  ASSERT_EQ(o.splits.size(), 1u);
  EXPECT_EQ(o.splits[0].name, "Andariel");
  ASSERT_EQ(o.part_of.size(), 1u);
  EXPECT_EQ(o.part_of[0].member, "Andariel");
  EXPECT_EQ(o.part_of[0].umbrella, "Lazarus Group");
}

TEST(AliasOverrides, RejectsMalformedLinesNamingTheLine) {
  const std::vector<std::string> bad = {
      "just a name",  "= APT28",       "APT28 =",        "split:",
      "part-of: A B", "part-of: -> B", "APT 28 = apt28", "Fancy Bear = APT28\n???",
  };
  for (const auto& text : bad) {
    auto o = AliasOverrides::Parse(text, "my.overrides");
    ASSERT_FALSE(o.ok()) << text;
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(o.status().message().find("my.overrides:"), std::string::npos)
        << o.status().message();
  }
}

TEST(AliasRegistry, MergesSourcesByAttackIdNameAndUniqueAlias) {
  AliasRegistry reg = AliasRegistry::Build(World(), {});
  auto apt28 = reg.Resolve("APT28");
  ASSERT_EQ(apt28.kind, ActorKind::kGroup) << apt28.reason;
  EXPECT_EQ(apt28.actor_name, "APT28");
  EXPECT_EQ(apt28.key, "attack:G0007");
  // Names from all three sources reach the same group.
  for (const char* name : {"Fancy Bear", "fancy-bear", "IRON TWILIGHT", "Pawn Storm", "Sofacy"}) {
    auto r = reg.Resolve(name);
    EXPECT_EQ(r.kind, ActorKind::kGroup) << name << ": " << r.reason;
    EXPECT_EQ(r.key, "attack:G0007") << name << ": " << r.reason;
  }
  // The reason names the sources.
  EXPECT_NE(reg.Resolve("Pawn Storm").reason.find("misp-galaxy:mitre-intrusion-set"),
            std::string::npos);
}

TEST(AliasRegistry, AmbiguousNameIsItsOwnActorWithCandidates) {
  AliasRegistry reg = AliasRegistry::Build(World(), {});
  auto r = reg.Resolve("Grizzly Steppe");
  EXPECT_EQ(r.kind, ActorKind::kAmbiguous) << r.reason;
  EXPECT_EQ(r.key, "ambiguous:grizzlysteppe");
  ASSERT_EQ(r.candidates.size(), 2u);
  EXPECT_NE(r.reason.find("APT28"), std::string::npos);
  EXPECT_NE(r.reason.find("APT29"), std::string::npos);
  // APT28 and APT29 stay two groups.
  EXPECT_NE(reg.Resolve("APT28").key, reg.Resolve("APT29").key);
}

TEST(AliasRegistry, SameSourceGroupsAreNeverMergedThroughAnotherSource) {
  AliasRegistry reg = AliasRegistry::Build(World(), {});
  // ATT&CK's Magic Hound lists "Charming Kitten", which MISP keeps as its own cluster and also
  // lists under APT35: MISP's two clusters must stay apart.
  auto kitten = reg.Resolve("Charming Kitten");
  auto apt35 = reg.Resolve("APT35");
  EXPECT_EQ(apt35.kind, ActorKind::kGroup);
  EXPECT_NE(kitten.key, apt35.key) << kitten.reason;
}

TEST(AliasRegistry, PreferredNameWinsButOtherClaimsAreReported) {
  AliasRegistry reg = AliasRegistry::Build(World(), {});
  // "Andariel" is ATT&CK's preferred name and an alias of MISP's Lazarus umbrella.
  auto r = reg.Resolve("Andariel");
  ASSERT_EQ(r.kind, ActorKind::kGroup) << r.reason;
  EXPECT_EQ(r.actor_name, "Andariel");
  EXPECT_EQ(r.candidates.size(), 2u);
  EXPECT_NE(r.reason.find("Lazarus Group"), std::string::npos) << r.reason;
}

TEST(AliasRegistry, PartOfIsARelationNotAMerge) {
  AliasRegistry reg = AliasRegistry::Build(World(), {});
  auto andariel = reg.Resolve("Andariel");
  auto lazarus = reg.Resolve("Lazarus Group");
  ASSERT_TRUE(andariel.group && lazarus.group);
  EXPECT_NE(*andariel.group, *lazarus.group);
  ASSERT_EQ(reg.relations().size(), 1u);
  EXPECT_EQ(reg.relations()[0].member, *andariel.group);
  EXPECT_EQ(reg.relations()[0].umbrella, *lazarus.group);
  EXPECT_EQ(reg.relations()[0].source, "mitre-attack");
}

TEST(AliasRegistry, UmbrellaClaimYieldsToItsMember) {
  // Two alias claims, no preferred name: the umbrella gives way to its member.
  std::vector<NamingRecord> records = {
      Rec("a", "Umbrella", {"Shared Name"}),
      Rec("b", "Member", {"Shared Name"}, "", {"Umbrella"}),
  };
  AliasRegistry reg = AliasRegistry::Build(records, {});
  auto r = reg.Resolve("Shared Name");
  EXPECT_EQ(r.kind, ActorKind::kGroup) << r.reason;
  EXPECT_EQ(r.actor_name, "Member");
  // Without the relation it is ambiguous.
  records[1].part_of.clear();
  EXPECT_EQ(AliasRegistry::Build(records, {}).Resolve("Shared Name").kind, ActorKind::kAmbiguous);
}

TEST(AliasRegistry, UnknownNameIsUnregistered) {
  AliasRegistry reg = AliasRegistry::Build(World(), {});
  auto r = reg.Resolve("Totally New Group");
  EXPECT_EQ(r.kind, ActorKind::kUnregistered);
  EXPECT_EQ(r.key, "name:totallynewgroup");
  EXPECT_EQ(r.actor_name, "Totally New Group");
  EXPECT_EQ(reg.Resolve("totally-new group").key, r.key);
}

TEST(AliasRegistry, OverridesAliasSplitAndPartOf) {
  AliasOverrides o = ParseOk(
      "Grizzly Steppe = APT29\n"
      "split: Sofacy\n"
      "apt_new = Newcomer\n"
      "part-of: APT29 -> APT28\n");
  AliasRegistry reg = AliasRegistry::Build(World(), o);
  auto gs = reg.Resolve("Grizzly Steppe");
  EXPECT_EQ(gs.kind, ActorKind::kGroup);
  EXPECT_EQ(gs.actor_name, "APT29");
  EXPECT_NE(gs.reason.find("override line 1"), std::string::npos) << gs.reason;
  auto sofacy = reg.Resolve("Sofacy");
  EXPECT_EQ(sofacy.key, "split:sofacy");
  EXPECT_NE(sofacy.key, reg.Resolve("APT28").key);
  // An override onto a name no source knows joins the two spellings.
  EXPECT_EQ(reg.Resolve("apt_new").key, reg.Resolve("Newcomer").key);
  EXPECT_EQ(reg.Resolve("apt_new").kind, ActorKind::kUnregistered);
  bool found = false;
  for (const auto& rel : reg.relations()) {
    found |= rel.source == "override" && reg.groups()[rel.member].name == "APT29" &&
             reg.groups()[rel.umbrella].name == "APT28";
  }
  EXPECT_TRUE(found);
  // The override is shown among the group's names.
  bool listed = false;
  for (const auto& a : reg.groups()[*gs.group].aliases) {
    listed |= a.name == "Grizzly Steppe" && a.source == "override";
  }
  EXPECT_TRUE(listed);
}

TEST(AliasRegistry, OverrideLoopsTerminate) {
  AliasOverrides o = ParseOk("A = B\nB = A\n");
  AliasRegistry reg = AliasRegistry::Build({}, o);
  auto r = reg.Resolve("A");
  EXPECT_FALSE(r.key.empty());
}

TEST(AliasRegistry, DeterministicRegardlessOfRecordOrder) {
  auto records = World();
  AliasRegistry a = AliasRegistry::Build(records, {});
  std::reverse(records.begin(), records.end());
  AliasRegistry b = AliasRegistry::Build(records, {});
  for (const char* name : {"APT28", "Grizzly Steppe", "Andariel", "Charming Kitten", "TA453"}) {
    EXPECT_EQ(a.Resolve(name).key, b.Resolve(name).key) << name;
    EXPECT_EQ(a.Resolve(name).reason, b.Resolve(name).reason) << name;
  }
}

TEST(Sha256, KnownVectors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& [in, want] : cases) {
    Sha256 whole;
    whole.Update(in);
    EXPECT_EQ(whole.HexDigest(), want);
    // Fed in uneven chunks.
    Sha256 chunked;
    for (size_t i = 0; i < in.size(); i += 77) chunked.Update(std::string_view(in).substr(i, 77));
    EXPECT_EQ(chunked.HexDigest(), want);
  }
}

}  // namespace
}  // namespace cotenant::store
