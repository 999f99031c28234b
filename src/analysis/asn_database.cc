// AsnDatabase: ip-location-db ASN CSV ranges and MaxMind ASN databases (see enrichment.h).
#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cotenant/endpoint.h"
#include "cotenant/enrichment.h"

namespace cotenant {

struct AsnDatabase::MaxMind {
  MMDB_s db{};
  bool open = false;
  ~MaxMind() {
    if (open) MMDB_close(&db);
  }
};

AsnDatabase::AsnDatabase() = default;
AsnDatabase::~AsnDatabase() = default;
AsnDatabase::AsnDatabase(AsnDatabase&&) noexcept = default;
AsnDatabase& AsnDatabase::operator=(AsnDatabase&&) noexcept = default;

bool AsnDatabase::empty() const { return ranges_.empty() && mmdbs_.empty(); }

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The organization column: the rest of the line, unquoted when quoted ("" is a quote).
std::string Organization(std::string_view rest) {
  rest = Trim(rest);
  if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
    std::string out;
    rest = rest.substr(1, rest.size() - 2);
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '"' && i + 1 < rest.size() && rest[i + 1] == '"') ++i;
      out.push_back(rest[i]);
    }
    return out;
  }
  return std::string(rest);
}

}  // namespace

Status AsnDatabase::AddCsv(std::string_view text, std::string_view origin) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto where = [&] { return std::string(origin) + ":" + std::to_string(line_no) + ": "; };
    size_t c1 = line.find(',');
    size_t c2 = c1 == std::string_view::npos ? c1 : line.find(',', c1 + 1);
    size_t c3 = c2 == std::string_view::npos ? c2 : line.find(',', c2 + 1);
    if (c2 == std::string_view::npos) {
      return InvalidArgument(where() + "expected start,end,asn,organization");
    }
    std::string_view start_text = Trim(line.substr(0, c1));
    auto first = IpAddress::Parse(start_text);
    if (!first.ok() && line_no == 1) continue;  // a header row
    if (!first.ok()) return InvalidArgument(where() + first.status().message());
    auto last = IpAddress::Parse(Trim(line.substr(c1 + 1, c2 - c1 - 1)));
    if (!last.ok()) return InvalidArgument(where() + last.status().message());
    if (first->is_v4() != last->is_v4() || last->bytes() < first->bytes()) {
      return InvalidArgument(where() + "range end before start or across address families");
    }
    std::string_view asn_text = Trim(
        line.substr(c2 + 1, c3 == std::string_view::npos ? std::string_view::npos : c3 - c2 - 1));
    auto asn = Asn::Parse(asn_text);
    if (!asn.ok()) return InvalidArgument(where() + asn.status().message());
    std::string org =
        c3 == std::string_view::npos ? std::string() : Organization(line.substr(c3 + 1));
    auto [it, inserted] =
        organization_index_.emplace(org, static_cast<uint32_t>(organizations_.size()));
    if (inserted) organizations_.push_back(org);
    ranges_.push_back({first->bytes(), last->bytes(), asn->number(), it->second});
  }
  std::sort(ranges_.begin(), ranges_.end(),
            [](const Range& a, const Range& b) { return a.first < b.first; });
  return Status::Ok();
}

Status AsnDatabase::LoadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the ASN CSV");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return AddCsv(buffer.str(), path);
}

Status AsnDatabase::LoadMaxMind(const std::string& path) {
  auto mm = std::make_unique<MaxMind>();
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mm->db);
  if (status != MMDB_SUCCESS) {
    return InvalidArgument(path + ": not a MaxMind database: " + MMDB_strerror(status));
  }
  mm->open = true;
  mmdbs_.push_back(std::move(mm));
  return Status::Ok();
}

Status AsnDatabase::Load(const std::string& path) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".mmdb") == 0) {
    return LoadMaxMind(path);
  }
  return LoadCsv(path);
}

std::optional<AsnInfo> AsnDatabase::Lookup(const IpAddress& ip) const {
  const auto& bytes = ip.bytes();
  auto it = std::upper_bound(
      ranges_.begin(), ranges_.end(), bytes,
      [](const std::array<uint8_t, 16>& b, const Range& r) { return b < r.first; });
  if (it != ranges_.begin()) {
    const Range& r = *std::prev(it);
    if (bytes <= r.last) return AsnInfo{r.asn, organizations_[r.organization]};
  }
  for (const auto& mm : mmdbs_) {
    sockaddr_storage storage{};
    if (ip.is_v4()) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl(ip.v4());
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
      sin6->sin6_family = AF_INET6;
      std::memcpy(sin6->sin6_addr.s6_addr, bytes.data(), 16);
    }
    int mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s result =
        MMDB_lookup_sockaddr(&mm->db, reinterpret_cast<sockaddr*>(&storage), &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS || !result.found_entry) continue;
    MMDB_entry_data_s data{};
    if (MMDB_get_value(&result.entry, &data, "autonomous_system_number", nullptr) != MMDB_SUCCESS ||
        !data.has_data) {
      continue;
    }
    AsnInfo info;
    if (data.type == MMDB_DATA_TYPE_UINT32) {
      info.asn = data.uint32;
    } else if (data.type == MMDB_DATA_TYPE_UINT16) {
      info.asn = data.uint16;
    } else if (data.type == MMDB_DATA_TYPE_UINT64) {
      info.asn = static_cast<uint32_t>(data.uint64);
    } else {
      continue;
    }
    MMDB_entry_data_s org{};
    if (MMDB_get_value(&result.entry, &org, "autonomous_system_organization", nullptr) ==
            MMDB_SUCCESS &&
        org.has_data && org.type == MMDB_DATA_TYPE_UTF8_STRING) {
      info.organization.assign(org.utf8_string, org.data_size);
    }
    return info;
  }
  return std::nullopt;
}

}  // namespace cotenant
