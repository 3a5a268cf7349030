#pragma once

#include "cli/client/command_session.hpp"

#include <optional>
#include <string>

namespace summit::cli {

// What `import` was given.
struct ImportOptions {
  std::string file; // a path, or "-" for standard input
  bool dry_run = false;
  // --request-key, to retry an import safely (a new one otherwise; none
  // for a dry run, which changes nothing).
  std::optional<std::string> request_key;
};

// `summit import FILE`: sends the file with import.begin, import.chunk
// (pieces of up to 256 KiB, ics_upload.hpp) and import.commit, `tz` being
// the viewer's zone (--tz, else TZ, else /etc/localtime) for times the file
// gives without one. A progress bar on stderr while uploading when stderr is
// a terminal. Prints "Imported FILE: 12 added, 3 updated, 40 unchanged,
// 2 skipped", one "  line 88: ...: reason" per skipped component, and the
// daemon's notes on stderr. Exit codes: 2 when the file cannot be read, is
// empty or is not UTF-8; 1 when the daemon refuses it (nothing changed); 3
// when it is unreachable.
int import_calendar(CommandSession &session, const ImportOptions &options);

// What `export` was given.
struct ExportOptions {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> tag;
  std::optional<std::string> output; // -o FILE; absent or "-": stdout
};

// `summit export`: calendar.export page after page (`after` = the previous
// page's `next`), each page's text written as it comes, byte for byte (CRLF
// iCalendar), to stdout or to -o FILE. A file is written under a temporary
// name beside it and renamed when the last page is in, so a failed export
// never leaves a truncated FILE behind; "Exported N events to FILE" then.
int export_calendar(CommandSession &session, const ExportOptions &options);

} // namespace summit::cli
