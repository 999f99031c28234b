// MatchLogs: read inputs in chunks of complete lines, scan and look up each chunk (in parallel
// when threads > 1), turn hits into alerts, deliver them in input order.
#include "cotenant/log_match.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <queue>
#include <thread>

#include "match/byte_source.h"
#include "match/log_fields.h"
#include "match/log_scan.h"

namespace cotenant {

using namespace match_internal;

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kAuto:
      return "auto";
    case LogFormat::kZeekTsv:
      return "zeek";
    case LogFormat::kZeekJson:
      return "zeek-json";
    case LogFormat::kEve:
      return "eve";
    case LogFormat::kPlain:
      return "plain";
  }
  return "auto";
}

std::optional<LogFormat> LogFormatFromName(std::string_view name) {
  for (LogFormat f : {LogFormat::kAuto, LogFormat::kZeekTsv, LogFormat::kZeekJson, LogFormat::kEve,
                      LogFormat::kPlain}) {
    if (LogFormatName(f) == name) return f;
  }
  if (name == "zeek-tsv") return LogFormat::kZeekTsv;
  if (name == "suricata") return LogFormat::kEve;
  return std::nullopt;
}

namespace {

constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;

// Bytes of one chunk, with simdjson padding after the end.
struct Buffer {
  explicit Buffer(size_t capacity) : bytes(new char[capacity + kPadding]), capacity(capacity) {
    std::memset(bytes.get() + capacity, 0, kPadding);
  }
  std::unique_ptr<char[]> bytes;
  size_t capacity;
  size_t size = 0;
};

struct Segment {
  std::shared_ptr<const void> keep;  // owns the bytes `data` points into
  std::string_view data;             // complete lines, followed by kPadding readable bytes
  LogFormat format = LogFormat::kPlain;
  std::shared_ptr<const ZeekTsvPlan> plan;
  std::shared_ptr<const std::string> file;
  std::shared_ptr<const std::string> default_log;
  std::shared_ptr<const MatchSnapshot> snapshot;
  bool file_start = false;
  uint64_t skip_lines = 0;  // header lines the producer consumed (no work)
};

struct SegmentResult {
  std::vector<Alert> alerts;  // line numbers relative to the segment
  bool file_start = false;
  uint64_t lines = 0, records = 0, probes = 0, matches = 0, allowlisted = 0, expired = 0,
           malformed = 0;
  std::vector<std::string> errors;
  std::shared_ptr<const std::string> file;
};

struct WorkerState {
  ScanBatch batch;
  std::vector<Hit> hits;
  JsonScanner json;
};

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

std::vector<std::string> RoleNames(uint32_t bits) {
  std::vector<std::string> out;
  for (int r = 0; r < 32; ++r) {
    if (bits & (1u << r)) out.emplace_back(RoleName(static_cast<Role>(r)));
  }
  return out;
}

// One indicator hit to an AlertMatch, keeping only records valid at the event time.
// Returns false when nothing is left (all expired, and expired matches are not wanted).
bool BuildMatch(const MatchSnapshot& snap, const Hit& hit, std::optional<int64_t> time_us,
                bool include_expired, AlertMatch* m) {
  uint32_t g = hit.indicator;
  uint32_t n = snap.EntryCount(g);
  std::optional<int64_t> t;
  if (time_us) t = *time_us >= 0 ? *time_us / 1000000 : -((-*time_us + 999999) / 1000000);
  bool any_valid = false;
  for (uint32_t e = 0; e < n && !any_valid; ++e) any_valid = !t || snap.EntryValidAt(g, e, *t);
  if (!any_valid && !include_expired) return false;
  m->type = snap.IndicatorTypeAt(g);
  m->indicator = std::string(snap.IndicatorValueAt(g));
  m->how = hit.how;
  m->expired = !any_valid;
  uint32_t role_bits = 0;
  for (uint32_t e = 0; e < n; ++e) {
    if (any_valid && t && !snap.EntryValidAt(g, e, *t)) continue;
    MatchEntry entry = snap.EntryAt(g, e);
    for (auto a : entry.actors) m->actors.emplace_back(a);
    for (auto s : entry.sources) m->sources.emplace_back(s);
    role_bits |= entry.role_bits;
    m->confidence = std::max(m->confidence, entry.confidence);
    m->tlp = MostRestrictive(m->tlp, entry.tlp);
  }
  SortUnique(m->actors);
  SortUnique(m->sources);
  m->roles = RoleNames(role_bits);
  m->shared = m->actors.size() > 1;
  return true;
}

std::string ObservedText(const Probe& p) {
  if (p.kind != ObservedKind::kUrl) return std::string(p.value);
  if (p.extra.starts_with("http://") || p.extra.starts_with("https://"))
    return std::string(p.extra);
  return std::string(p.value) + std::string(p.extra);
}

SegmentResult Process(const Segment& seg, bool include_expired) {
  thread_local WorkerState ws;
  ScanBatch& batch = ws.batch;
  batch.Reset();
  SegmentResult r;
  r.file_start = seg.file_start;
  r.file = seg.file;
  r.lines = seg.skip_lines;
  if (seg.data.empty()) return r;
  switch (seg.format) {
    case LogFormat::kZeekTsv:
      if (seg.plan && seg.plan->has_fields) {
        ScanZeekTsv(*seg.plan, seg.data, batch);
      } else {
        // Data before any #fields header: every line is unreadable.
        ScanPlain(seg.data, batch);
        for (const auto& rec : batch.records)
          batch.Error(rec.line_no, "Zeek log line before a #fields header");
        batch.probes.clear();
        batch.records.clear();
      }
      break;
    case LogFormat::kZeekJson:
    case LogFormat::kEve:
      ws.json.Scan(seg.data, seg.format == LogFormat::kEve, batch);
      break;
    default:
      ScanPlain(seg.data, batch);
      break;
  }
  r.lines += batch.lines;
  r.records = batch.records.size();
  r.probes = batch.probes.size();
  r.malformed = batch.malformed;
  r.errors = batch.errors;
  ws.hits.clear();
  r.allowlisted = seg.snapshot->Lookup(batch.probes, ws.hits);
  if (ws.hits.empty()) return r;

  const MatchSnapshot& snap = *seg.snapshot;
  uint32_t ctx_record = UINT32_MAX;
  RecordContext ctx;
  const auto& hits = ws.hits;
  for (size_t i = 0; i < hits.size();) {
    const Probe& p = batch.probes[hits[i].probe];
    // The hits of this probe and of following probes of the same value in the same field
    // (files.log hashes are looked up as file and as certificate hashes).
    size_t j = i;
    auto same = [&](const Probe& q) {
      return q.record == p.record && q.field == p.field && q.value == p.value && q.extra == p.extra;
    };
    while (j < hits.size() && same(batch.probes[hits[j].probe])) ++j;
    if (p.record != ctx_record) {
      ctx_record = p.record;
      std::string_view line = batch.records[p.record].line;
      switch (seg.format) {
        case LogFormat::kZeekTsv:
          ctx = ZeekTsvContext(*seg.plan, line);
          break;
        case LogFormat::kZeekJson:
        case LogFormat::kEve:
          ctx = ws.json.Context(line, seg.format == LogFormat::kEve, *seg.default_log);
          break;
        default:
          ctx = RecordContext{std::nullopt, "list", ""};
          break;
      }
    }
    Alert alert;
    for (size_t k = i; k < j; ++k) {
      bool duplicate = false;
      for (const auto& m : alert.matches) {
        duplicate = duplicate || m.indicator == snap.IndicatorValueAt(hits[k].indicator);
      }
      if (duplicate) continue;
      AlertMatch m;
      if (!BuildMatch(snap, hits[k], ctx.time_us, include_expired, &m)) {
        ++r.expired;
        continue;
      }
      alert.matches.push_back(std::move(m));
    }
    i = j;
    if (alert.matches.empty()) continue;
    alert.time_us = ctx.time_us;
    alert.log = ctx.log;
    alert.uid = ctx.uid;
    alert.field = std::string(FieldName(p.field));
    alert.value = ObservedText(p);
    for (const auto& m : alert.matches) {
      alert.actors.insert(alert.actors.end(), m.actors.begin(), m.actors.end());
      alert.roles.insert(alert.roles.end(), m.roles.begin(), m.roles.end());
      alert.sources.insert(alert.sources.end(), m.sources.begin(), m.sources.end());
      alert.confidence = std::max(alert.confidence, m.confidence);
      alert.tlp = MostRestrictive(alert.tlp, m.tlp);
      alert.shared = alert.shared || m.shared;
    }
    SortUnique(alert.actors);
    SortUnique(alert.roles);
    SortUnique(alert.sources);
    alert.file = *seg.file;
    alert.line = batch.records[p.record].line_no;
    r.matches += alert.matches.size();
    r.alerts.push_back(std::move(alert));
  }
  return r;
}

// A fixed pool of workers; results come back through futures, delivered in submit order.
class Pipeline {
 public:
  Pipeline(const LogMatchOptions& options, AlertSink& sink, LogMatchStats& stats)
      : options_(options), sink_(sink), stats_(stats) {
    int threads = options.threads;
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads_ = threads;
    if (threads_ > 1) {
      for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    }
  }
  ~Pipeline() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void Submit(Segment seg) {
    if (threads_ <= 1) {
      Deliver(Process(seg, options_.include_expired));
      return;
    }
    auto task = std::make_shared<std::packaged_task<SegmentResult()>>(
        [seg = std::move(seg), expired = options_.include_expired] {
          return Process(seg, expired);
        });
    inflight_.push_back(task->get_future());
    {
      std::lock_guard lock(mu_);
      queue_.push([task] { (*task)(); });
    }
    cv_.notify_one();
    while (inflight_.size() > static_cast<size_t>(2 * threads_)) {
      Deliver(inflight_.front().get());
      inflight_.pop_front();
    }
  }

  void Drain() {
    while (!inflight_.empty()) {
      Deliver(inflight_.front().get());
      inflight_.pop_front();
    }
  }

 private:
  void WorkerLoop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop();
      }
      job();
    }
  }

  void Deliver(SegmentResult r) {
    if (r.file_start) base_line_ = 0;
    stats_.lines += r.lines;
    stats_.records += r.records;
    stats_.probes += r.probes;
    stats_.matches += r.matches;
    stats_.allowlisted += r.allowlisted;
    stats_.expired += r.expired;
    stats_.malformed += r.malformed;
    for (auto& e : r.errors) {
      if (stats_.errors.size() >= 20) break;
      // "line N: ..." relative to the segment: rewrite with the file's line number.
      uint64_t n = 0;
      size_t colon = e.find(':');
      if (e.starts_with("line ") && colon != std::string::npos) {
        n = std::strtoull(e.c_str() + 5, nullptr, 10) + base_line_;
        stats_.errors.push_back(*r.file + ":" + std::to_string(n) + e.substr(colon));
      } else {
        stats_.errors.push_back(*r.file + ": " + e);
      }
    }
    for (auto& a : r.alerts) {
      a.line += base_line_;
      ++stats_.alerts;
      sink_.OnAlert(std::move(a));
    }
    base_line_ += r.lines;
  }

  const LogMatchOptions& options_;
  AlertSink& sink_;
  LogMatchStats& stats_;
  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::queue<std::function<void()>> queue_;
  bool stopping_ = false;
  std::deque<std::future<SegmentResult>> inflight_;
  uint64_t base_line_ = 0;
};

LogFormat DetectFormat(std::string_view head) {
  size_t i = 0;
  if (head.starts_with("\xEF\xBB\xBF")) i = 3;
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
    ++i;
  std::string_view rest = head.substr(i);
  if (rest.starts_with("{")) {
    std::string_view first = rest.substr(0, rest.find('\n'));
    return first.find("\"event_type\"") != std::string_view::npos ? LogFormat::kEve
                                                                  : LogFormat::kZeekJson;
  }
  if (rest.starts_with("[")) return LogFormat::kEve;  // a JSON array of eve records
  // Zeek TSV: a #separator / #fields line among the first lines (btest baselines start
  // with a "###" banner).
  size_t pos = 0;
  for (int line = 0; line < 12 && pos < rest.size(); ++line) {
    std::string_view l = rest.substr(pos, rest.find('\n', pos) - pos);
    if (l.starts_with("#separator") || l.starts_with("#fields")) return LogFormat::kZeekTsv;
    if (!l.starts_with("#")) break;
    size_t nl = rest.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return LogFormat::kPlain;
}

std::string DefaultLogName(const std::string& path, LogFormat format) {
  if (format == LogFormat::kEve) return "eve";
  std::string base = std::filesystem::path(path).filename().string();
  size_t dot = base.find('.');
  if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  return base.empty() || path == "-" ? "zeek" : base;
}

// The start of the first line at or after `from` (a line start) that begins with '#', or the
// end. '#' is rare inside Zeek data lines, so memchr for it beats stopping at every newline.
size_t NextHeaderLine(std::string_view data, size_t from) {
  while (from < data.size()) {
    const void* hit = std::memchr(data.data() + from, '#', data.size() - from);
    if (hit == nullptr) break;
    size_t at = static_cast<size_t>(static_cast<const char*>(hit) - data.data());
    if (at == 0 || data[at - 1] == '\n') return at;
    from = at + 1;
  }
  return data.size();
}

// Per input stream: the detected format, the Zeek header state, and segment submission.
class StreamDispatcher {
 public:
  StreamDispatcher(std::string name, const LogMatchOptions& options, Pipeline& pipeline,
                   LogMatchStats& stats)
      : file_(std::make_shared<const std::string>(std::move(name))),
        options_(options),
        pipeline_(pipeline),
        stats_(stats) {}

  // Starts a new file (or a rotated one): format detected again, line numbers from 1.
  void Restart() {
    format_ = options_.format;
    plan_.reset();
    file_start_ = true;
    detected_ = false;
  }

  bool NeedsWholeDocument(std::string_view head) {
    if (!detected_) Detect(head);
    if (format_ != LogFormat::kEve) return false;
    size_t i = 0;
    while (i < head.size() &&
           (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
      ++i;
    return i < head.size() && head[i] == '[';
  }

  // `data`: complete lines followed by kPadding readable bytes, owned by `keep`.
  void Dispatch(std::shared_ptr<const void> keep, std::string_view data) {
    if (!detected_) Detect(data);
    auto snapshot = options_.snapshot();
    if (snapshot != current_) {
      if (current_ != nullptr) ++stats_.reloads;
      current_ = snapshot;
    }
    if (format_ != LogFormat::kZeekTsv) {
      Emit(keep, data, 0);
      return;
    }
    // Zeek TSV: header lines change the plan; they are applied here, in input order.
    size_t start = 0;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
      if (data[pos] == '#') {
        if (pos > start) Emit(keep, data.substr(start, pos - start), 0);
        uint64_t headers = 0;
        while (pos < data.size() && data[pos] == '#') {
          size_t e = data.find('\n', pos);
          std::string_view line =
              data.substr(pos, (e == std::string_view::npos ? data.size() : e) - pos);
          auto plan =
              plan_ ? std::make_shared<ZeekTsvPlan>(*plan_) : std::make_shared<ZeekTsvPlan>();
          plan->ApplyHeader(line);
          plan_ = std::move(plan);
          ++headers;
          pos = e == std::string_view::npos ? data.size() : e + 1;
        }
        Emit(nullptr, {}, headers);
        start = pos;
        continue;
      }
      pos = NextHeaderLine(data, end);
    }
    if (start < data.size()) Emit(keep, data.substr(start), 0);
  }

 private:
  void Detect(std::string_view head) {
    if (format_ == LogFormat::kAuto) format_ = DetectFormat(head.substr(0, 64 << 10));
    default_log_ = std::make_shared<const std::string>(DefaultLogName(*file_, format_));
    detected_ = true;
  }

  void Emit(std::shared_ptr<const void> keep, std::string_view data, uint64_t skip_lines) {
    Segment seg;
    seg.keep = std::move(keep);
    seg.data = data;
    seg.format = format_;
    seg.plan = plan_;
    seg.file = file_;
    seg.default_log = default_log_;
    seg.snapshot = current_;
    seg.file_start = file_start_;
    seg.skip_lines = skip_lines;
    file_start_ = false;
    pipeline_.Submit(std::move(seg));
  }

  std::shared_ptr<const std::string> file_;
  const LogMatchOptions& options_;
  Pipeline& pipeline_;
  LogMatchStats& stats_;
  LogFormat format_ = LogFormat::kAuto;
  bool detected_ = false;
  bool file_start_ = true;
  std::shared_ptr<const ZeekTsvPlan> plan_;
  std::shared_ptr<const std::string> default_log_;
  std::shared_ptr<const MatchSnapshot> current_;
};

bool Stopped(const LogMatchOptions& options) {
  return options.should_stop && options.should_stop();
}

// A whole document (JSON array input) converted to lines and dispatched.
void DispatchDocument(std::string text, StreamDispatcher& d, LogMatchStats& stats) {
  auto lines = JsonArrayToLines(text);
  if (!lines.ok()) {
    ++stats.malformed;
    if (stats.errors.size() < 20) stats.errors.push_back(lines.status().message());
    return;
  }
  auto buf = std::make_shared<Buffer>(lines->size());
  std::memcpy(buf->bytes.get(), lines->data(), lines->size());
  buf->size = lines->size();
  d.Dispatch(buf, std::string_view(buf->bytes.get(), buf->size));
}

// Reads `source` chunk by chunk. For a followed file, keeps polling after EOF.
Status ReadStream(ByteSource& source, FollowedFile* followed, StreamDispatcher& d,
                  const LogMatchOptions& options, Pipeline& pipeline, LogMatchStats& stats) {
  d.Restart();
  std::string carry;
  bool first = true;
  const size_t chunk = std::max<size_t>(options.chunk_bytes, 4096);
  for (;;) {
    if (Stopped(options)) return Status::Ok();
    size_t want = std::max(chunk, carry.size() * 2);
    auto buf = std::make_shared<Buffer>(want);
    std::memcpy(buf->bytes.get(), carry.data(), carry.size());
    buf->size = carry.size();
    bool eof = false;
    while (buf->size < buf->capacity) {
      COTENANT_ASSIGN_OR_RETURN(
          size_t n, source.Read(buf->bytes.get() + buf->size, buf->capacity - buf->size));
      if (n == 0) {
        eof = true;
        break;
      }
      stats.bytes += n;
      buf->size += n;
    }
    std::string_view data(buf->bytes.get(), buf->size);
    if (first && !data.empty()) {
      if (d.NeedsWholeDocument(data) && followed == nullptr) {
        std::string whole(data);
        std::vector<char> more(1 << 20);
        for (;;) {
          COTENANT_ASSIGN_OR_RETURN(size_t n, source.Read(more.data(), more.size()));
          if (n == 0) break;
          stats.bytes += n;
          whole.append(more.data(), n);
        }
        DispatchDocument(std::move(whole), d, stats);
        return Status::Ok();
      }
      first = false;
    }
    if (!eof) {
      size_t last_nl = data.rfind('\n');
      if (last_nl == std::string_view::npos) {
        carry.assign(data);  // a line longer than the chunk: read on
        continue;
      }
      carry.assign(data.substr(last_nl + 1));
      buf->size = last_nl + 1;
      d.Dispatch(buf, std::string_view(buf->bytes.get(), buf->size));
      continue;
    }
    // End of input (for now).
    if (followed == nullptr) {
      if (!data.empty()) d.Dispatch(buf, data);
      return Status::Ok();
    }
    size_t last_nl = data.rfind('\n');
    if (last_nl != std::string_view::npos) {
      carry.assign(data.substr(last_nl + 1));
      buf->size = last_nl + 1;
      d.Dispatch(buf, std::string_view(buf->bytes.get(), buf->size));
    } else {
      carry.assign(data);
    }
    pipeline.Drain();
    if (followed->Rotated()) {
      // The old file is read to its end; an unterminated last line is complete now.
      if (!carry.empty()) {
        auto last = std::make_shared<Buffer>(carry.size());
        std::memcpy(last->bytes.get(), carry.data(), carry.size());
        last->size = carry.size();
        d.Dispatch(last, std::string_view(last->bytes.get(), last->size));
        carry.clear();
        pipeline.Drain();
      }
      COTENANT_RETURN_IF_ERROR(followed->Reopen());
      d.Restart();
      first = true;
      continue;
    }
    if (followed->Truncated()) {
      carry.clear();
      d.Restart();
      first = true;
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(1, options.follow_poll_ms)));
  }
}

void CollectFiles(const std::string& input, std::vector<std::string>& out, LogMatchStats& stats) {
  std::error_code ec;
  if (input != "-" && std::filesystem::is_directory(input, ec)) {
    std::vector<std::string> files;
    for (auto it = std::filesystem::recursive_directory_iterator(input, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path().string());
    }
    if (ec) {
      ++stats.unreadable_inputs;
      if (stats.errors.size() < 20)
        stats.errors.push_back(input + ": cannot list directory: " + ec.message());
    }
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
    return;
  }
  out.push_back(input);
}

}  // namespace

Status MatchLogs(const std::vector<std::string>& inputs, const LogMatchOptions& options,
                 AlertSink& sink, LogMatchStats* stats_out) {
  if (!options.snapshot || options.snapshot() == nullptr) {
    return InvalidArgument("no match snapshot to match against");
  }
  LogMatchStats local;
  LogMatchStats& stats = stats_out != nullptr ? *stats_out : local;
  std::vector<std::string> files;
  for (const auto& input : inputs) CollectFiles(input, files, stats);
  if (options.follow) {
    for (const auto& f : files) {
      if (f == "-") return InvalidArgument("--follow needs files, not stdin");
    }
  }
  Pipeline pipeline(options, sink, stats);
  for (const auto& path : files) {
    if (Stopped(options)) break;
    StreamDispatcher dispatcher(path, options, pipeline, stats);
    Status status;
    if (options.follow && files.size() == 1) {
      auto followed = FollowedFile::Open(path);
      if (!followed.ok()) {
        status = followed.status();
      } else {
        ++stats.files;
        status = ReadStream(**followed, followed->get(), dispatcher, options, pipeline, stats);
      }
    } else {
      auto source = OpenByteSource(path);
      if (!source.ok()) {
        status = source.status();
      } else {
        ++stats.files;
        status = ReadStream(**source, nullptr, dispatcher, options, pipeline, stats);
      }
    }
    pipeline.Drain();
    if (!status.ok()) {
      ++stats.unreadable_inputs;
      if (stats.errors.size() < 20) stats.errors.push_back(status.message());
    }
  }
  pipeline.Drain();
  return Status::Ok();
}

Status MatchBuffer(std::string_view data, std::string_view name, const MatchSnapshot& snapshot,
                   const LogMatchOptions& options, AlertSink& sink, LogMatchStats* stats_out) {
  LogMatchStats local;
  LogMatchStats& stats = stats_out != nullptr ? *stats_out : local;
  auto shared = std::make_shared<const MatchSnapshot>(snapshot);
  LogMatchOptions opts = options;
  opts.snapshot = [shared] { return shared; };
  Pipeline pipeline(opts, sink, stats);
  StreamDispatcher d(std::string(name), opts, pipeline, stats);
  d.Restart();
  ++stats.files;
  stats.bytes += data.size();
  if (d.NeedsWholeDocument(data)) {
    DispatchDocument(std::string(data), d, stats);
    pipeline.Drain();
    return Status::Ok();
  }
  // Chunks borrow `data` directly; the last one is copied so simdjson has its padding.
  const size_t chunk = std::max<size_t>(opts.chunk_bytes, 4096);
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = pos + chunk;
    if (end + kPadding < data.size()) {
      size_t nl = data.rfind('\n', end);
      if (nl != std::string_view::npos && nl >= pos) {
        d.Dispatch(nullptr, data.substr(pos, nl + 1 - pos));
        pos = nl + 1;
        continue;
      }
    }
    auto buf = std::make_shared<Buffer>(data.size() - pos);
    std::memcpy(buf->bytes.get(), data.data() + pos, data.size() - pos);
    buf->size = data.size() - pos;
    d.Dispatch(buf, std::string_view(buf->bytes.get(), buf->size));
    break;
  }
  pipeline.Drain();
  return Status::Ok();
}

}  // namespace cotenant
