#include "cotenant/access.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "server/crypto.h"

namespace cotenant {
namespace {

class TokenRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/tokens-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove(path_);
    auto reg = TokenRegistry::Open(path_);
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    reg_ = std::move(reg).value();
  }
  void TearDown() override {
    reg_.reset();
    std::filesystem::remove(path_);
  }
  std::string path_;
  std::unique_ptr<TokenRegistry> reg_;
};

TEST(CryptoTest, KnownAnswers) {
  EXPECT_EQ(server::Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(server::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4122 appendix B (errata 1352): "www.example.com" in the DNS namespace.
  EXPECT_EQ(server::UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  auto r = server::RandomHex(16);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 32u);
  EXPECT_NE(*r, *server::RandomHex(16));
}

TEST_F(TokenRegistryTest, AddAuthenticateRevoke) {
  auto added = reg_->Add("acme-soc", "ACME CERT", Tlp::kGreen, false);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->token.starts_with("ctk_"));
  EXPECT_EQ(added->token.size(), 68u);

  auto p = reg_->Authenticate(added->token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "acme-soc");
  EXPECT_EQ(p->organisation, "ACME CERT");
  EXPECT_EQ(p->clearance, Tlp::kGreen);

  // The file holds the hash, never the token.
  std::string bytes;
  {
    FILE* f = fopen(path_.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    fclose(f);
  }
  EXPECT_EQ(bytes.find(added->token.substr(4)), std::string::npos);
  EXPECT_NE(bytes.find(server::Sha256Hex(added->token)), std::string::npos);

  // A second active token with the same name is refused; another name is fine.
  EXPECT_EQ(reg_->Add("acme-soc", "ACME", Tlp::kRed, false).status().code(),
            StatusCode::kAlreadyExists);
  auto other = reg_->Add("beta", "Beta ISAC", Tlp::kAmberStrict, false);
  ASSERT_TRUE(other.ok());

  ASSERT_TRUE(reg_->Revoke("acme-soc").ok());
  EXPECT_EQ(reg_->Authenticate(added->token).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(reg_->Revoke("acme-soc").code(), StatusCode::kNotFound);
  ASSERT_TRUE(reg_->Revoke(std::to_string(other->info.id)).ok());
  EXPECT_FALSE(reg_->Authenticate(other->token).ok());

  auto list = reg_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].revoked.has_value());
  EXPECT_EQ((*list)[1].clearance, Tlp::kAmberStrict);
  // The name is free again once revoked.
  EXPECT_TRUE(reg_->Add("acme-soc", "ACME CERT", Tlp::kAmber, false).ok());
}

TEST_F(TokenRegistryTest, RejectsBadInputAndBadTokensAlike) {
  const struct {
    std::string name, org;
    Tlp clearance;
  } bad_adds[] = {
      {"", "org", Tlp::kGreen},
      {"has space", "org", Tlp::kGreen},
      {std::string(65, 'a'), "org", Tlp::kGreen},
      {"ok", "", Tlp::kGreen},
      {"ok", "line\nbreak", Tlp::kGreen},
      {"ok", "org", Tlp::kUnmarked},
  };
  for (const auto& c : bad_adds) {
    EXPECT_EQ(reg_->Add(c.name, c.org, c.clearance, false).status().code(),
              StatusCode::kInvalidArgument)
        << c.name << "/" << c.org;
  }
  auto good = reg_->Add("x", "X", Tlp::kRed, false);
  ASSERT_TRUE(good.ok());
  std::string flipped = good->token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  const std::string bad_tokens[] = {"",
                                    "ctk_",
                                    "Bearer " + good->token,
                                    good->token + "0",
                                    flipped,
                                    good->token.substr(4),
                                    "' OR 1=1 --"};
  for (const std::string& t : bad_tokens) {
    auto r = reg_->Authenticate(t);
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(r.status().message(), "invalid or revoked token");
  }
}

TEST_F(TokenRegistryTest, RevocationSeenByAnotherHandle) {
  auto added = reg_->Add("live", "Org", Tlp::kAmber, false);
  ASSERT_TRUE(added.ok());
  auto second = TokenRegistry::Open(path_);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->Authenticate(added->token).ok());
  ASSERT_TRUE(reg_->Revoke("live").ok());
  EXPECT_FALSE((*second)->Authenticate(added->token).ok());
}

TEST_F(TokenRegistryTest, ReadOnlyUnlessAskedToIngest) {
  auto reader = reg_->Add("reader", "Org", Tlp::kRed, false);
  auto writer = reg_->Add("feeder", "Org", Tlp::kGreen, true);
  ASSERT_TRUE(reader.ok() && writer.ok());
  EXPECT_FALSE(reader->info.can_ingest);
  EXPECT_TRUE(writer->info.can_ingest);
  EXPECT_FALSE(reg_->Authenticate(reader->token)->can_ingest);
  EXPECT_TRUE(reg_->Authenticate(writer->token)->can_ingest);
  auto list = reg_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[0].can_ingest);
  EXPECT_TRUE((*list)[1].can_ingest);
}

// A registry written before tokens had an upload permission: its tokens could all upload, and
// keep that right after the migration; tokens added afterwards are read-only by default.
TEST_F(TokenRegistryTest, OldRegistryKeepsItsTokensUploadRight) {
  reg_.reset();
  std::filesystem::remove(path_);
  const std::string token = "ctk_" + std::string(64, 'a');
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, name TEXT NOT NULL, organisation TEXT "
        "NOT NULL, clearance TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, created INTEGER NOT "
        "NULL, revoked INTEGER);"
        "INSERT INTO api_tokens(name, organisation, clearance, sha256, created) VALUES "
        "('old', 'Org', 'amber', '" +
        server::Sha256Hex(token) + "', 0);";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto reg = TokenRegistry::Open(path_);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  auto old = (*reg)->Authenticate(token);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->clearance, Tlp::kAmber);
  EXPECT_TRUE(old->can_ingest);
  auto added = (*reg)->Add("new", "Org", Tlp::kAmber, false);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_FALSE((*reg)->Authenticate(added->token)->can_ingest);
  // Opening it again does not migrate twice.
  auto again = TokenRegistry::Open(path_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)->Authenticate(token)->can_ingest);
  EXPECT_FALSE((*again)->Authenticate(added->token)->can_ingest);
}

TEST(TokenRegistryOpenTest, ErrorsNameThePath) {
  auto r = TokenRegistry::Open("/nonexistent-dir/x.tokens");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent-dir/x.tokens"), std::string::npos);
}

}  // namespace
}  // namespace cotenant
