// The format readers behind ReadPath (include/cotenant/reader.h), one file per format.
//
// Each reader has a path entry point (what ReadPath dispatches to) and an in-memory entry point
// taking the content and the name to report in locations (what the fuzz targets and tests call).
// Line formats stream through a LineReader; MISP and STIX JSON stream through json_stream.h; the
// other JSON formats parse one document with simdjson.
// `path` names the input in every Location and Rejection.
#pragma once

#include <string>
#include <string_view>

#include "cotenant/observation.h"
#include "cotenant/reader.h"
#include "cotenant/status.h"
#include "readers/common.h"
#include "readers/json_stream.h"

namespace cotenant::readers {

// maltrail trail files (maltrail.cc).
Status ReadMaltrail(LineReader& lines, const std::string& path, const ReadOptions& options,
                    IngestSink& sink);
// One value per line (plain.cc).
Status ReadPlain(LineReader& lines, const std::string& path, const ReadOptions& options,
                 IngestSink& sink);
// CSV with a header or a column mapping (csv.cc).
Status ReadCsv(LineReader& lines, const std::string& path, const ReadOptions& options,
               IngestSink& sink);
// Vendor .txt IOC files with section headings (ioc_text.cc).
Status ReadIocText(LineReader& lines, const std::string& path, const ReadOptions& options,
                   IngestSink& sink);
// AsciiDoc / Markdown tables and indicator code blocks (table.cc).
Status ReadTable(LineReader& lines, const std::string& path, const ReadOptions& options,
                 IngestSink& sink);
// Passive DNS COF JSON lines (pdns.cc).
Status ReadPdns(LineReader& lines, const std::string& path, const ReadOptions& options,
                IngestSink& sink);

// MISP events (misp.cc), streamed: memory stays flat in the document's size (the largest
// attribute or object and the document outside the events' Attribute and Object arrays are held,
// never the whole). A document whose brackets or strings do not close (a truncated file) is an
// error before any record is delivered; an attribute or object that is not valid JSON is an
// error after the records before it were delivered, so the ingest rolls back unless --partial
// keeps them.
Status ReadMispFile(const std::string& path, const ReadOptions& options, IngestSink& sink);
// The same over a document in memory (tests, fuzz targets); `json` must stay valid during the
// call.
Status ReadMispJson(std::string_view json, const std::string& path, const ReadOptions& options,
                    IngestSink& sink);
// What the last MISP read on this thread held at most (read buffer, elements), for the tests
// that prove memory stays flat.
const JsonStreamStats& LastMispStreamStatsForTesting();
// Whether MISP reads on this thread may read a flat attribute without simdjson (the default);
// tests turn it off to compare both paths.
void SetMispFlatPathForTesting(bool enabled);
// Attributes the flat fast path read on this thread so far.
size_t MispFlatPathReadsForTesting();
// Bytes per read of MISP reads on this thread (0, the default: the streamer's 1 MiB); tests make
// it small so that elements break across reads.
void SetMispReadChunkForTesting(size_t bytes);
// A MISP feed directory: manifest.json + <uuid>.json (misp.cc).
Status ReadMispFeed(const std::string& dir, const ReadOptions& options, IngestSink& sink);
// MISP galaxy cluster files (misp_galaxy.cc).
Status ReadMispGalaxyJson(std::string_view json, const std::string& path,
                          const ReadOptions& options, IngestSink& sink);
// Telegram Desktop export result.json (telegram_export.cc).
Status ReadTelegramJson(std::string_view json, const std::string& path, const ReadOptions& options,
                        IngestSink& sink);

// Runs a line-format reader over an in-memory buffer (tests and fuzz targets).
Status ReadBuffer(Format format, std::string_view content, const std::string& name,
                  const ReadOptions& options, IngestSink& sink);

}  // namespace cotenant::readers
