#include "cli/commands/transfer_commands.hpp"

#include "cli/client/request_key.hpp"
#include "cli/commands/event_options.hpp"
#include "cli/commands/ics_upload.hpp"
#include "cli/views/event_view.hpp"
#include "core/protocol.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace summit::cli {

namespace {

using nlohmann::json;

// Checking a large file and writing it in one transaction takes the daemon
// a while; the usual 30 s bound is for requests that answer at once.
constexpr std::chrono::minutes k_commit_timeout{10};

std::string errno_text(int error) { return std::strerror(error); }

std::int64_t count_of(const json &result, const char *name) {
  auto it = result.find(name);
  return it != result.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// "  line 88: "CIS summit" (uid cis@example.org): reason".
std::string skipped_line(const json &skipped) {
  if (!skipped.is_object()) {
    return "  " + printable(skipped.dump()) + "\n";
  }
  std::string what;
  const std::string summary = skipped.value("summary", std::string());
  const std::string uid = skipped.value("uid", std::string());
  if (!summary.empty()) {
    what = fmt::format("\"{}\"", printable(summary));
  }
  if (!uid.empty()) {
    what += fmt::format("{}uid {}", what.empty() ? "" : " (", printable(uid));
    what += summary.empty() ? "" : ")";
  }
  std::string line = "  ";
  if (skipped.contains("line")) {
    line += fmt::format("line {}: ", skipped["line"].dump());
  }
  if (!what.empty()) {
    line += what + ": ";
  }
  std::string reason = skipped.value("reason", std::string("skipped"));
  // The daemon's reason may name the line again.
  if (const std::string prefix = fmt::format("line {}: ", skipped.value("line", json()).dump());
      reason.rfind(prefix, 0) == 0) {
    reason.erase(0, prefix.size());
  }
  return line + printable(reason) + "\n";
}

int print_import_result(CommandSession &session, const std::string &name, const json &result) {
  if (session.json_output()) {
    session.say_notes(result);
    session.print_json(result);
    return k_exit_ok;
  }
  const json skipped = result.value("skipped", json::array());
  const std::size_t listed = skipped.is_array() ? skipped.size() : 0;
  // summitd lists the first 200 and counts them all (skipped_count).
  const json counted = result.value("skipped_count", json());
  const std::size_t skipped_count =
      counted.is_number_unsigned() ? std::max(counted.get<std::size_t>(), listed) : listed;
  std::string counts =
      fmt::format("{} added, {} updated, {} unchanged, {} skipped", count_of(result, "added"),
                  count_of(result, "updated"), count_of(result, "unchanged"), skipped_count);
  if (const auto joined = count_of(result, "joined"); joined > 0) {
    // Changes of one occurrence stored alone, now in their series.
    counts += fmt::format(", {} joined to their series", joined);
  }
  if (result.value("dry_run", false)) {
    session.out() << fmt::format("Checked {} (dry run, nothing changed): {}\n", printable(name),
                                 counts);
  } else {
    session.out() << fmt::format("Imported {}: {}\n", printable(name), counts);
  }
  if (skipped.is_array()) {
    for (const json &component : skipped) {
      session.out() << skipped_line(component);
    }
  }
  if (skipped_count > listed) {
    session.out() << fmt::format("  ... and {} more skipped (summitd lists the first {})\n",
                                 skipped_count - listed, listed);
  }
  // What was read differently from what the file says, per component and
  // line ("  line 9: "Council" (uid cis-1): RRULE COUNT=-1: ..."): part of
  // the report, as the skipped ones are.
  const json notes = result.value("notes", json::array());
  if (notes.is_array() && !notes.empty()) {
    session.out() << "Notes:\n";
    for (const json &note : notes) {
      if (note.is_string()) {
        session.out() << "  " << printable(note.get<std::string>()) << "\n";
      }
    }
  }
  return k_exit_ok;
}

// The export's destination file: written under a temporary name in the same
// directory and renamed over FILE by commit(); removed if never committed.
class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  ~OutputFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
      ::unlink(m_temp.c_str());
    }
  }

  // A sentence for the user on failure.
  tl::expected<void, std::string> open(const std::string &path) {
    const std::filesystem::path target(path);
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    m_temp = (dir / ("." + target.filename().string() + ".summit-XXXXXX")).string();
    m_fd = ::mkstemp(m_temp.data());
    if (m_fd < 0) {
      return tl::unexpected(fmt::format("cannot write {}: {}", path, errno_text(errno)));
    }
    // mkstemp makes it 0600; give it the mode a new file gets from the umask.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
    m_path = path;
    return {};
  }

  tl::expected<void, std::string> write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t written = ::write(m_fd, data.data(), data.size());
      if (written < 0 && errno == EINTR) {
        continue;
      }
      if (written < 0) {
        return tl::unexpected(fmt::format("writing {} failed: {}", m_path, errno_text(errno)));
      }
      data.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
  }

  tl::expected<void, std::string> commit() {
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
      m_fd = -1;
      ::unlink(m_temp.c_str());
      return tl::unexpected(fmt::format("writing {} failed: {}", m_path, errno_text(errno)));
    }
    m_fd = -1;
    if (::rename(m_temp.c_str(), m_path.c_str()) != 0) {
      const int error = errno;
      ::unlink(m_temp.c_str());
      return tl::unexpected(fmt::format("cannot write {}: {}", m_path, errno_text(error)));
    }
    return {};
  }

private:
  int m_fd = -1;
  std::string m_temp;
  std::string m_path;
};

} // namespace

int import_calendar(CommandSession &session, const ImportOptions &options) {
  const bool from_stdin = options.file == "-";
  const std::string name = from_stdin ? "standard input" : options.file;
  if (options.request_key && (options.dry_run || !valid_request_key(*options.request_key))) {
    return session.usage(options.dry_run
                             ? "import: --request-key is for an import that changes the calendar; "
                               "a --dry-run changes nothing"
                             : "import: --request-key takes the key a previous `summit import` "
                               "printed (1 to 64 characters from A-Z a-z 0-9 . _ : -)");
  }
  std::ifstream file;
  std::istream *input = session.env().in;
  std::optional<std::uint64_t> total;
  if (!from_stdin) {
    std::error_code error;
    if (std::filesystem::is_directory(options.file, error)) {
      return session.usage(
          fmt::format("import: {} is a directory; give an iCalendar (.ics) file", options.file));
    }
    file.open(options.file, std::ios::binary);
    if (!file) {
      return session.usage(
          fmt::format("import: cannot read {}: {}", options.file, errno_text(errno)));
    }
    if (const auto size = std::filesystem::file_size(options.file, error); !error) {
      total = size;
    }
    input = &file;
  } else if (input == nullptr) {
    return session.usage("import: there is no standard input to read");
  }

  auto begun = session.call(core::protocol::import_begin, json{{"tz", session.viewer()->name()}});
  if (!begun) {
    return begun.error();
  }
  const json upload = begun->value("import", json());
  if (!upload.is_number_integer()) {
    return session.bad_reply("import.begin gave no import number");
  }
  auto give_up = [&](int code) {
    // Best effort: the daemon also drops the upload when we hang up.
    (void)session.client().call(core::protocol::import_abort, json{{"import", upload}});
    return code;
  };

  UploadProgress progress(session.err(), name, total, session.is_terminal(2));
  std::string pending;
  std::uint64_t sent = 0;
  std::uint64_t lines_sent = 0;
  bool at_end = false;
  std::array<char, 65536> block{};
  for (;;) {
    while (!at_end && pending.size() < k_piece_bytes) {
      input->read(block.data(), block.size());
      pending.append(block.data(), static_cast<std::size_t>(input->gcount()));
      if (input->bad()) {
        progress.finish();
        return give_up(session.usage(fmt::format("import: reading {} failed", name)));
      }
      at_end = input->eof() || input->fail();
    }
    const std::size_t length = next_piece_length(pending, at_end);
    if (length == 0) {
      if (at_end) {
        break;
      }
      continue;
    }
    const std::string_view piece(pending.data(), length);
    if (const auto bad = invalid_utf8_at(piece)) {
      progress.finish();
      const auto line =
          lines_sent + 1 +
          static_cast<std::uint64_t>(
              std::count(piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(*bad), '\n'));
      return give_up(session.usage(
          fmt::format("import: {} is not UTF-8 text (line {}, byte {}); iCalendar files are UTF-8 "
                      "(RFC 5545): convert it first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`",
                      name, line, sent + *bad + 1)));
    }
    auto chunk =
        session.call(core::protocol::import_chunk, json{{"import", upload}, {"text", piece}});
    if (!chunk) {
      progress.finish();
      return give_up(chunk.error());
    }
    sent += length;
    lines_sent += static_cast<std::uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
    pending.erase(0, length);
    progress.update(sent);
  }
  progress.finish();
  if (sent == 0) {
    return give_up(session.usage(fmt::format("import: {} is empty", name)));
  }
  if (!session.getenv("SUMMIT_TIMEOUT")) {
    session.client().set_timeout(k_commit_timeout);
  }
  json commit{{"import", upload}, {"dry_run", options.dry_run}};
  auto result = [&]() -> tl::expected<json, int> {
    if (options.dry_run) {
      return session.call(core::protocol::import_commit, std::move(commit));
    }
    // Safe to retry: summitd applies an import at most once per key.
    const std::string check = options.file == "-"
                                  ? std::string("summit list")
                                  : fmt::format("summit import --dry-run {}", options.file);
    return call_with_key(session, core::protocol::import_commit, std::move(commit),
                         options.request_key.value_or(new_request_key()), check);
  }();
  if (!result) {
    return result.error();
  }
  return print_import_result(session, name, *result);
}

int export_calendar(CommandSession &session, const ExportOptions &options) {
  auto range = build_range_params(options.from, options.to, session.now(), session.viewer());
  if (!range) {
    return session.usage(range.error().message);
  }
  json params = std::move(*range);
  params["tz"] = session.viewer()->name();
  if (options.tag) {
    params["tag"] = *options.tag;
  }
  const bool to_file = options.output && *options.output != "-";
  OutputFile file;
  if (to_file) {
    if (auto opened = file.open(*options.output); !opened) {
      return session.usage("export: " + opened.error());
    }
  }
  std::int64_t events = 0;
  for (;;) {
    auto page = session.call(core::protocol::calendar_export, params);
    if (!page) {
      return page.error();
    }
    const auto ics = page->find("ics");
    if (ics == page->end() || !ics->is_string()) {
      return session.bad_reply("a calendar.export page has no ics text");
    }
    const auto &text = ics->get_ref<const std::string &>();
    if (to_file) {
      if (auto written = file.write(text); !written) {
        return session.refused("export: " + written.error());
      }
    } else {
      session.out().write(text.data(), static_cast<std::streamsize>(text.size()));
      session.out().flush();
      if (!session.out()) {
        return session.refused("export: writing to standard output failed");
      }
    }
    events += count_of(*page, "count");
    const json next = page->value("next", json());
    if (next.is_null()) {
      break;
    }
    if (params.contains("after") && params["after"] == next) {
      return session.bad_reply("calendar.export gave the same page twice");
    }
    params["after"] = next;
  }
  if (to_file) {
    if (auto committed = file.commit(); !committed) {
      return session.refused("export: " + committed.error());
    }
    session.out() << fmt::format("Exported {} event{} to {}\n", events, events == 1 ? "" : "s",
                                 *options.output);
  }
  return k_exit_ok;
}

} // namespace summit::cli
