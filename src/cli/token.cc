// `cotenant token add|list|revoke`: the server's API tokens (include/cotenant/access.h).
#include <iostream>

#include "cli/cli.h"
#include "cotenant/access.h"

namespace cotenant::cli {
namespace {

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

Result<std::unique_ptr<TokenRegistry>> OpenRegistry(const GlobalOptions& global,
                                                    const std::string& tokens_path) {
  return TokenRegistry::Open(tokens_path.empty() ? DefaultTokenPath(global.db_path) : tokens_path);
}

}  // namespace

void AddTokenCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Flags {
    std::string tokens_path;
    std::string name;
    std::string organisation;
    std::string clearance;
    std::string target;
    bool can_ingest = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* token = app.add_subcommand(
      "token", "manage the server's API tokens (each has a TLP clearance and an organisation)");
  token->require_subcommand(1);
  token->footer(
      "Examples:\n"
      "  cotenant token add acme-soc --org ACME --tlp amber\n"
      "  cotenant token add feed-bot --org ACME --tlp green --ingest\n"
      "  cotenant token list\n"
      "  cotenant token revoke acme-soc");
  token->add_option("--tokens", flags->tokens_path,
                    "token registry file (default: the --db path + \".tokens\")");

  CLI::App* add = token->add_subcommand("add",
                                        "create a token; it is printed once, only its "
                                        "SHA-256 is stored");
  add->add_option("name", flags->name, "unique label, e.g. acme-soc")->required();
  add->add_option("--org", flags->organisation, "the organisation the token belongs to")
      ->required();
  add->add_option("--tlp", flags->clearance, "clearance: clear, green, amber, amber+strict or red")
      ->required();
  add->add_flag("--ingest", flags->can_ingest,
                "also let the token add to the store (POST /api/ingest, the TAXII inbox); "
                "without it the token only reads");
  add->callback([flags, &global, &exit_code] {
    std::optional<Tlp> tlp = TlpFromName(flags->clearance);
    if (!tlp || *tlp == Tlp::kUnmarked) {
      std::cerr << "cotenant token add: --tlp `" << flags->clearance
                << "` is not a TLP level (clear, green, amber, amber+strict, red)\n";
      exit_code = kExitUsage;
      return;
    }
    auto registry = OpenRegistry(global, flags->tokens_path);
    if (!registry.ok()) {
      std::cerr << "cotenant token add: " << registry.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    auto added = (*registry)->Add(flags->name, flags->organisation, *tlp, flags->can_ingest);
    if (!added.ok()) {
      std::cerr << "cotenant token add: " << added.status().message() << "\n";
      exit_code = added.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
      return;
    }
    if (global.json) {
      std::cout << "{\"id\":" << added->info.id << ",\"name\":" << JsonString(added->info.name)
                << ",\"organisation\":" << JsonString(added->info.organisation)
                << ",\"clearance\":" << JsonString(TlpName(added->info.clearance))
                << ",\"can_ingest\":" << (added->info.can_ingest ? "true" : "false")
                << ",\"token\":" << JsonString(added->token) << "}\n";
    } else {
      std::cout << added->token << "\n";
      std::cerr << "token " << added->info.id << " `" << added->info.name << "` for "
                << added->info.organisation << ", clearance TLP:" << TlpName(added->info.clearance)
                << (added->info.can_ingest ? ", may ingest" : ", read-only")
                << ". Store it now: it is not shown again.\n";
    }
  });

  CLI::App* list = token->add_subcommand("list", "list tokens (never the secrets)");
  list->callback([flags, &global, &exit_code] {
    auto registry = OpenRegistry(global, flags->tokens_path);
    if (!registry.ok()) {
      std::cerr << "cotenant token list: " << registry.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    auto tokens = (*registry)->List();
    if (!tokens.ok()) {
      std::cerr << "cotenant token list: " << tokens.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    if (global.json) {
      std::cout << "[";
      bool first = true;
      for (const TokenInfo& t : *tokens) {
        std::cout << (first ? "" : ",") << "{\"id\":" << t.id << ",\"name\":" << JsonString(t.name)
                  << ",\"organisation\":" << JsonString(t.organisation)
                  << ",\"clearance\":" << JsonString(TlpName(t.clearance))
                  << ",\"created\":" << JsonString(t.created.ToString())
                  << ",\"can_ingest\":" << (t.can_ingest ? "true" : "false")
                  << ",\"revoked\":" << (t.revoked ? JsonString(t.revoked->ToString()) : "null")
                  << ",\"sha256_prefix\":" << JsonString(t.hash_prefix) << "}";
        first = false;
      }
      std::cout << "]\n";
      return;
    }
    for (const TokenInfo& t : *tokens) {
      std::cout << t.id << "\t" << t.name << "\t" << t.organisation
                << "\tTLP:" << TlpName(t.clearance) << (t.can_ingest ? "\tingest" : "\tread-only")
                << "\tcreated " << t.created.ToString() << "\t"
                << (t.revoked ? "revoked " + t.revoked->ToString() : "active") << "\tsha256 "
                << t.hash_prefix << "...\n";
    }
  });

  CLI::App* revoke = token->add_subcommand("revoke", "revoke a token by name or id");
  revoke->add_option("token", flags->target, "name or numeric id")->required();
  revoke->callback([flags, &global, &exit_code] {
    auto registry = OpenRegistry(global, flags->tokens_path);
    if (!registry.ok()) {
      std::cerr << "cotenant token revoke: " << registry.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    Status s = (*registry)->Revoke(flags->target);
    if (!s.ok()) {
      std::cerr << "cotenant token revoke: " << s.message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    if (!global.quiet) std::cerr << "revoked `" << flags->target << "`\n";
  });
}

}  // namespace cotenant::cli
