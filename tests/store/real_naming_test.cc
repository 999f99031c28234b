// The alias registry over the real naming data in ../shared/data: the MISP galaxy threat-actor
// and mitre-intrusion-set clusters and the ATT&CK intrusion sets, read by the real readers.
#include <gtest/gtest.h>

#include <set>

#include "cotenant/ingest.h"
#include "cotenant/reader.h"
#include "cotenant/store.h"
#include "store_testing.h"
#include "testing.h"

namespace cotenant {
namespace {

class RealNaming : public ::testing::Test {
 protected:
  void SetUp() override {
    auto shared = testing::SharedDir();
    if (!shared) GTEST_SKIP() << "../shared/data is absent: real naming data not tested";
    const std::string data = *shared + "/data";
    auto store = OpenSqliteStore(dir_.Path("naming.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto summary =
        IngestPaths(*store_,
                    {data + "/misp-galaxy/clusters/threat-actor.json",
                     data + "/misp-galaxy/clusters/mitre-intrusion-set.json", data + "/mitre-cti"},
                    {}, ReadPath);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    ASSERT_EQ(summary->failed_inputs, 0u);
    // 1,041 threat-actor clusters + 191 mitre-intrusion-set clusters + 187 ATT&CK groups.
    ASSERT_GE(summary->totals.actor_records, 1041 + 187);
  }

  NameResolution Resolve(const std::string& name) {
    auto r = store_->ResolveName(name);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : NameResolution{};
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RealNaming, VendorNamesOfOneGroupResolveTogetherAcrossSources) {
  const NameResolution apt28 = Resolve("APT28");
  ASSERT_EQ(apt28.kind, ActorKind::kGroup) << apt28.reason;
  for (const char* name : {"Fancy Bear", "Sofacy", "STRONTIUM", "Sednit", "apt 28", "Pawn Storm"}) {
    NameResolution r = Resolve(name);
    EXPECT_EQ(r.actor_id, apt28.actor_id) << name << ": " << r.reason;
  }
  const NameResolution gamaredon = Resolve("Gamaredon Group");
  ASSERT_EQ(gamaredon.kind, ActorKind::kGroup);
  for (const char* name : {"Primitive Bear", "Shuckworm", "Armageddon", "ACTINIUM"}) {
    NameResolution r = Resolve(name);
    EXPECT_EQ(r.actor_id, gamaredon.actor_id) << name << ": " << r.reason;
  }
  auto actor = store_->GetActor(apt28.actor_id);
  ASSERT_TRUE(actor.ok() && actor->has_value());
  std::set<std::string> ids((*actor)->external_ids.begin(), (*actor)->external_ids.end());
  EXPECT_TRUE(ids.count("G0007")) << "APT28 carries its ATT&CK id";
  std::set<std::string> sources;
  for (const auto& a : (*actor)->aliases) sources.insert(a.source);
  EXPECT_GE(sources.size(), 3u) << "three naming sources describe APT28";
}

TEST_F(RealNaming, AmbiguousNamesAreReportedNotMerged) {
  NameResolution gs = Resolve("Grizzly Steppe");
  EXPECT_EQ(gs.kind, ActorKind::kAmbiguous) << gs.reason;
  EXPECT_GE(gs.candidates.size(), 2u);
  EXPECT_NE(Resolve("APT28").actor_id, Resolve("APT29").actor_id);
  auto ambiguous = store_->AmbiguousNames();
  ASSERT_TRUE(ambiguous.ok());
  // FIELD.md counts 27 names shared by two clusters in the threat-actor galaxy alone; some of
  // those reduce to one group (a preferred name, or an umbrella and its member).
  EXPECT_GE(ambiguous->size(), 10u);
  EXPECT_LE(ambiguous->size(), 80u);
  for (const auto& r : *ambiguous) {
    EXPECT_EQ(r.kind, ActorKind::kAmbiguous) << r.name;
    EXPECT_GE(r.candidates.size(), 2u) << r.name;
  }
}

TEST_F(RealNaming, UmbrellaAndSubClustersStayApart) {
  // MISP's "Lazarus Group" lists APT38 and Andariel among its synonyms; ATT&CK keeps them as
  // groups of their own. They must not collapse into the umbrella.
  NameResolution lazarus = Resolve("Lazarus Group");
  NameResolution apt38 = Resolve("APT38");
  NameResolution andariel = Resolve("Andariel");
  ASSERT_EQ(lazarus.kind, ActorKind::kGroup);
  EXPECT_NE(apt38.actor_id, lazarus.actor_id) << apt38.reason;
  EXPECT_NE(andariel.actor_id, lazarus.actor_id) << andariel.reason;
  // ... and the competing claim is reported in the reason.
  EXPECT_NE(apt38.reason.find("Lazarus Group"), std::string::npos) << apt38.reason;
}

}  // namespace
}  // namespace cotenant
