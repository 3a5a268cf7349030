#include "cli/commands/calendar_set_commands.hpp"

#include "cli/views/calendar_view.hpp"
#include "cli/views/terminal_text.hpp"
#include "core/calendar_rules.hpp"
#include "core/protocol.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace summit::cli {

namespace {

using nlohmann::json;

// A fetch may take up to its 2-minute transfer limit, and one call may wait
// for several calendars: `summit sync` waits this long for its reply.
constexpr std::chrono::minutes k_sync_timeout{10};

} // namespace

int add_calendar(CommandSession &session, CalendarAddOptions options) {
  if (auto valid = core::check_calendar_name(options.name); !valid) {
    return session.usage(valid.error().message);
  }
  if (options.subscribe && options.caldav) {
    return session.usage("give --subscribe URL or --caldav URL, not both");
  }
  if (options.every && !options.subscribe && !options.caldav) {
    return session.usage("--every is for a subscription or a CalDAV calendar");
  }
  if (options.collection && !options.caldav) {
    return session.usage("--collection is for a CalDAV calendar (--caldav URL)");
  }
  if ((options.user || options.password_file) && !options.caldav) {
    return session.usage("--user and --password-file are for a CalDAV calendar (--caldav URL)");
  }
  if (options.password_file && !options.user) {
    return session.usage("--password-file needs --user: the name the password belongs to");
  }
  if (options.subscribe) {
    if (auto url = core::subscription_url(*options.subscribe); !url) {
      return session.usage(url.error().message);
    }
  }
  if (options.caldav) {
    if (auto url = core::caldav_url(*options.caldav); !url) {
      return session.usage(url.error().message);
    }
  }
  if (options.every) {
    if (auto interval = core::poll_interval(*options.every); !interval) {
      return session.usage("--every: " + interval.error().message);
    }
  }
  if (options.user) {
    if (auto valid = core::check_user_name(*options.user); !valid) {
      return session.usage(valid.error().message);
    }
  }
  if (options.password_file) {
    std::error_code error;
    const auto absolute = std::filesystem::absolute(*options.password_file, error);
    if (error) {
      return session.usage(fmt::format("--password-file {}: {}",
                                       core::quoted_for_message(*options.password_file, 200),
                                       error.message()));
    }
    options.password_file = absolute.lexically_normal().string();
    struct stat info {};
    // A systemd credential of the service: summitd checks it (its folder
    // is private to the service, whatever mode the file has).
    const bool credential = options.password_file->rfind("/run/credentials/", 0) == 0;
    if (credential) {
      // left to summitd
    } else if (::stat(options.password_file->c_str(), &info) == 0) {
      if (auto mode = core::check_password_file_mode(*options.password_file, info.st_mode); !mode) {
        return session.usage(mode.error().message);
      }
    } else if (errno == ENOENT) {
      return session.usage(fmt::format("the password file {} does not exist",
                                       core::quoted_for_message(*options.password_file, 200)));
    } // else (EACCES: a systemd credential's folder): summitd checks it
  }
  json params{{"name", options.name}};
  if (options.subscribe) {
    params["subscribe"] = *options.subscribe;
  }
  if (options.caldav) {
    params["caldav"] = *options.caldav;
  }
  if (options.every) {
    params["every"] = *options.every;
  }
  if (options.collection) {
    params["collection"] = *options.collection;
  }
  if (options.user) {
    params["user"] = *options.user;
  }
  if (options.password_file) {
    params["password_file"] = *options.password_file;
  }
  if (session.viewer() != nullptr) {
    params["tz"] = std::string(session.viewer()->name());
  }
  if (options.caldav) {
    // summitd looks for the collection first (discovery: a few requests,
    // each bounded by the transfer limits).
    session.client().set_timeout(k_sync_timeout);
  }
  auto result = session.call(core::protocol::calendar_add, std::move(params));
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(result->value("calendar", json::object()));
  } else {
    const json calendar = result->value("calendar", json::object());
    const std::string kind = calendar.value("kind", std::string());
    const std::string what = kind == "subscription" ? fmt::format("a subscription, polled every {}",
                                                                  options.every.value_or("6h"))
                             : kind == "caldav"     ? std::string("CalDAV")
                                                    : std::string("local");
    session.out() << fmt::format("Added calendar {} ({})\n", options.name, what);
  }
  session.say_notes(*result);
  return k_exit_ok;
}

int list_calendars(CommandSession &session) {
  auto result = session.call(core::protocol::calendar_list, json::object());
  if (!result) {
    return result.error();
  }
  const json calendars = result->value("calendars", json::array());
  if (session.json_output()) {
    session.print_json(calendars);
  } else {
    session.out() << format_calendar_table(calendars, session.table_width());
  }
  return k_exit_ok;
}

int remove_calendar(CommandSession &session, const std::string &name) {
  if (auto valid = core::check_calendar_name(name); !valid) {
    return session.usage(valid.error().message);
  }
  if (name == core::k_personal_calendar) {
    return session.usage("the calendar 'personal' cannot be removed: it is where events go by "
                         "default");
  }
  auto result = session.call(core::protocol::calendar_remove, json{{"name", name}});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    const auto events = result->value("events", std::int64_t{0});
    session.out() << fmt::format("Removed calendar {} and its {} event{}\n", name, events,
                                 events == 1 ? "" : "s");
  }
  return k_exit_ok;
}

int sync_calendars(CommandSession &session, const std::optional<std::string> &name,
                   bool allow_deletions) {
  json params = json::object();
  if (allow_deletions) {
    if (!name) {
      return session.usage("--allow-deletions needs the calendar's name: summit sync "
                           "--allow-deletions NAME");
    }
    params["allow_deletions"] = true;
  }
  if (name) {
    if (auto valid = core::check_calendar_name(*name); !valid) {
      return session.usage(valid.error().message);
    }
    params["name"] = *name;
  }
  // A large CalDAV sync says how far its fetch is, on stderr only
  // (calendar.progress, docs/PROTOCOL.md): "summit: team: 4,000 of 10,000
  // events fetched". summitd sends none for a small one.
  params["progress"] = true;
  session.client().set_on_notification([&session](const json &message) {
    if (message.value("method", std::string()) != core::protocol::calendar_progress) {
      return false;
    }
    const json progress = message.value("params", json::object());
    if (!progress.is_object()) {
      return true;
    }
    const auto count = [](const json &value) {
      const std::string digits =
          std::to_string(value.is_number_unsigned() ? value.get<std::uint64_t>() : 0);
      std::string grouped;
      for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
          grouped += ',';
        }
        grouped += digits[i];
      }
      return grouped;
    };
    session.err() << "summit: " << printable(progress.value("name", std::string())) << ": "
                  << count(progress.value("fetched", json())) << " of "
                  << count(progress.value("total", json())) << " events fetched\n";
    session.err().flush();
    return true;
  });
  session.client().set_timeout(k_sync_timeout);
  auto result = session.call(core::protocol::calendar_sync, std::move(params));
  session.client().set_on_notification({});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    const std::string text = format_sync_result(*result);
    session.out() << (text.empty() ? std::string("no calendars to sync\n") : text);
  }
  for (const auto &calendar : result->value("calendars", json::array())) {
    if (calendar.value("outcome", std::string()) == "failed") {
      return k_exit_refused;
    }
  }
  return k_exit_ok;
}

} // namespace summit::cli

namespace summit::cli {

int list_conflicts(CommandSession &session, const std::optional<std::string> &name) {
  json params = json::object();
  if (name) {
    if (auto valid = core::check_calendar_name(*name); !valid) {
      return session.usage(valid.error().message);
    }
    params["name"] = *name;
  }
  auto result = session.call(core::protocol::calendar_conflicts, std::move(params));
  if (!result) {
    return result.error();
  }
  const json conflicts = result->value("conflicts", json::array());
  if (session.json_output()) {
    session.print_json(conflicts);
    return k_exit_ok;
  }
  if (conflicts.empty()) {
    session.out() << "no conflicts\n";
    return k_exit_ok;
  }
  for (const auto &conflict : conflicts) {
    session.out() << fmt::format(
        "{}  {}  {} of {} ({}): the server's version is in the calendar; the local one is kept "
        "here\n",
        conflict.value("id", std::int64_t{0}), printable(conflict.value("calendar", std::string())),
        printable(conflict.value("kind", std::string())),
        core::quoted_for_message(conflict.value("title", std::string()), 60),
        printable(conflict.value("created", std::string())));
  }
  session.out() << "Settle one with: summit calendar resolve ID --keep-local|--keep-server\n";
  return k_exit_ok;
}

int resolve_conflict(CommandSession &session, std::int64_t id, const std::string &keep) {
  auto result = session.call(core::protocol::calendar_resolve, json{{"id", id}, {"keep", keep}});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    session.out() << fmt::format("Conflict {} settled: the {} version kept{}\n", id, keep,
                                 keep == "local" ? " (pushed at the next sync)" : "");
  }
  return k_exit_ok;
}

} // namespace summit::cli
