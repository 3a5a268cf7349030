#pragma once

#include "cli/client/command_session.hpp"

#include <cstdint>
#include <optional>
#include <string>

// `summit calendar add|list|rm` and `summit sync` (issue 14, docs/SYNC.md).
// `summit cal` (the month grid) is calendar_commands.hpp.
namespace summit::cli {

struct CalendarAddOptions {
  std::string name;
  std::optional<std::string> subscribe;
  std::optional<std::string> caldav;
  std::optional<std::string> collection;
  std::optional<std::string> every;
  std::optional<std::string> user;
  std::optional<std::string> password_file;
};

// Checks what it can before asking summitd (the name, the URL, the
// interval, the password file's mode when this user can see it; a relative
// password file is made absolute) and sends calendar.add with the viewer's
// zone for the floating times of a subscribed file.
int add_calendar(CommandSession &session, CalendarAddOptions options);
int list_calendars(CommandSession &session);
int remove_calendar(CommandSession &session, const std::string &name);
// calendar.sync: fetches now and prints what changed, one line per
// calendar; exit 1 when any fetch failed.
// `allow_deletions` (with a name): the mass-deletion guard lets this sync
// remove what the server no longer lists.
int sync_calendars(CommandSession &session, const std::optional<std::string> &name,
                   bool allow_deletions = false);
// calendar.conflicts: the local CalDAV changes a server refused.
int list_conflicts(CommandSession &session, const std::optional<std::string> &name);
// calendar.resolve: keep "local" or "server".
int resolve_conflict(CommandSession &session, std::int64_t id, const std::string &keep);

} // namespace summit::cli
