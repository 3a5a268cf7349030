#include "daemon/server/calendar_set_handlers.hpp"

#include "core/calendar_rules.hpp"
#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/rpc.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "daemon/server/caldav_syncer.hpp"
#include "daemon/server/subscription_poller.hpp"
#include "daemon/store/caldav_store.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace summit::server {

using core::ErrorCode;

namespace {

nlohmann::json instant_or_null(const std::optional<core::SysSeconds> &t) {
  return t ? nlohmann::json(core::format_iso_utc(*t)) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json calendar_json(const store::Calendar &calendar) {
  nlohmann::json out = nlohmann::json::object();
  out["name"] = calendar.name;
  out["kind"] = calendar.kind;
  // Shown, not stored: a feed's token stays out of replies (and so out of
  // `summit calendar list` and scripts' logs); the fetch uses the stored URL.
  out["url"] = core::redacted_url(calendar.url);
  out["events"] = calendar.events;
  out["last_sync"] = instant_or_null(calendar.last_success);
  out["last_attempt"] = instant_or_null(calendar.last_attempt);
  out["state"] = calendar.state;
  out["error"] = calendar.error;
  // Filled in by calendar.list for a CalDAV calendar (caldav_counts).
  out["pending_changes"] = calendar.kind == "caldav" ? nlohmann::json(0) : nlohmann::json(nullptr);
  out["conflicts"] = calendar.kind == "caldav" ? nlohmann::json(0) : nlohmann::json(nullptr);
  out["every"] = calendar.kind == "subscription" || calendar.kind == "caldav"
                     ? nlohmann::json(core::format_duration_iso(
                           calendar.every.count() > 0 ? calendar.every : core::Seconds{15 * 60}))
                     : nlohmann::json(nullptr);
  if (calendar.kind == "caldav") {
    out["collection"] = calendar.collection;
    out["collection_url"] = calendar.collection_url;
    out["user"] = calendar.user_name;
    out["password_file"] = calendar.password_file; // a path, never its content
  }
  return out;
}

core::Result<void> check_password_file(const std::string &path, std::uint32_t peer_uid) {
  const std::string shown = core::quoted_for_message(path, 200);
  if (path.empty() || path.front() != '/') {
    return core::fail_field("password_file",
                            fmt::format("{} is not an absolute path; give the full path", shown));
  }
  // summitd may see files its client cannot: whatever the reason a file is
  // refused before it is known to be the client's own, the answer is the
  // same, so that a client learns nothing of files it could not look at.
  const auto unusable = [&] {
    return core::fail_field(
        "password_file",
        fmt::format("summitd cannot take {} as your password file: give a regular file you own, "
                    "mode 600, that summitd can read, or for the system service a systemd "
                    "credential (LoadCredential=, docs/SYNC.md)",
                    shown));
  };
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return unusable();
  }
  // A systemd credential (LoadCredential=) lives in a folder only this
  // service can enter, whatever mode systemd gives the file itself; only
  // root or the service's own user may name one.
  const bool credential = core::is_systemd_credential(path, std::getenv("CREDENTIALS_DIRECTORY")) &&
                          (peer_uid == 0 || peer_uid == ::geteuid());
  if (!credential && peer_uid != 0 && info.st_uid != peer_uid) {
    return unusable();
  }
  if (auto mode = core::check_password_file_mode(path, info.st_mode); !mode && !credential) {
    return core::fail_field("password_file", mode.error().message);
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return core::fail_field(
        "password_file",
        fmt::format("summitd (uid {}) cannot read {}; for the system service give the password "
                    "as a systemd credential (LoadCredential=, docs/SYNC.md)",
                    ::geteuid(), shown));
  }
  return {};
}

namespace {

// The calendar called `name` (a "calendar" parameter): refused when the name
// is not one a calendar may have, or no calendar has it.
core::Result<store::Calendar> calendar_named(store::EventStore &store, const std::string &name) {
  if (auto valid = core::check_calendar_name(name); !valid) {
    return core::fail_field("calendar", valid.error().message);
  }
  auto found = store::CalendarStore(store).find(name);
  if (!found) {
    return tl::unexpected(found.error());
  }
  if (!*found) {
    return core::fail(ErrorCode::not_found,
                      fmt::format("no calendar named '{}'; see summit calendar list", name));
  }
  return std::move(**found);
}

} // namespace

core::Result<std::optional<store::Calendar>> take_calendar_param(nlohmann::json &params,
                                                                 store::EventStore &store) {
  if (!params.is_object() || !params.contains("calendar")) {
    return std::optional<store::Calendar>{};
  }
  const nlohmann::json value = params["calendar"];
  params.erase("calendar");
  if (value.is_null()) {
    return std::optional<store::Calendar>{};
  }
  if (!value.is_string()) {
    return core::fail_field("calendar", "must be a calendar's name (a string)");
  }
  const std::string name = value.get<std::string>();
  auto found = calendar_named(store, name);
  if (!found) {
    return tl::unexpected(found.error());
  }
  if (found->kind == "subscription") {
    return core::fail(ErrorCode::permission_denied,
                      fmt::format("calendar '{}' is a read-only subscription; add the event to "
                                  "another calendar",
                                  name));
  }
  if (found->id == 1) {
    return std::optional<store::Calendar>{};
  }
  return std::optional<store::Calendar>{std::move(*found)};
}

core::Result<std::int64_t> calendar_id_named(store::EventStore &store, const std::string &name) {
  auto found = calendar_named(store, name);
  if (!found) {
    return tl::unexpected(found.error());
  }
  return found->id;
}

core::Result<void> check_event_writable(store::EventStore &store, std::int64_t id) {
  auto calendar = store::CalendarStore(store).of_event(id);
  if (!calendar) {
    return tl::unexpected(calendar.error());
  }
  if (calendar->kind == "subscription") {
    return core::fail(ErrorCode::permission_denied,
                      fmt::format("event {} belongs to calendar '{}', a read-only subscription "
                                  "of {}: each new version of the feed replaces it",
                                  id, calendar->name,
                                  core::quoted_for_message(core::redacted_url(calendar->url))));
  }
  return {};
}

CalendarSetHandlers::CalendarSetHandlers(store::EventStore &store, SubscriptionPoller *poller,
                                         std::function<void()> on_change, CaldavSyncer *caldav)
    : m_store(store), m_calendars(store), m_poller(poller), m_on_change(std::move(on_change)),
      m_caldav(caldav) {}

void CalendarSetHandlers::register_with(Dispatcher &dispatcher) {
  dispatcher.add_deferred(core::protocol::calendar_add,
                          [this](const auto &params, const auto &context, DeferredReply reply) {
                            add_checked(params, context, std::move(reply));
                          });
  dispatcher.add(core::protocol::calendar_list,
                 [this](const auto &params, const auto &context) { return list(params, context); });
  dispatcher.add(core::protocol::calendar_remove, [this](const auto &params, const auto &context) {
    return remove(params, context);
  });
  dispatcher.add_deferred(core::protocol::calendar_sync,
                          [this](const auto &params, const auto &context, DeferredReply reply) {
                            sync(params, context, std::move(reply));
                          });
}

HandlerResult CalendarSetHandlers::add(const nlohmann::json &params, const CallContext &context) {
  auto calendar = calendar_to_add(params, context);
  if (!calendar) {
    return tl::unexpected(calendar.error());
  }
  return store_added(std::move(*calendar), context, {});
}

void CalendarSetHandlers::add_checked(const nlohmann::json &params, const CallContext &context,
                                      DeferredReply reply) {
  auto calendar = calendar_to_add(params, context);
  if (!calendar) {
    reply(tl::unexpected(calendar.error()));
    return;
  }
  if (calendar->kind != "caldav" || m_caldav == nullptr) {
    reply(store_added(std::move(*calendar), context, {}));
    return;
  }
  // A CalDAV calendar: its collection is found first, on the network
  // thread (discovery), so that a server URL with several calendars is
  // refused at once with their names, and nothing is stored.
  m_caldav->discover(*calendar,
                     [this, calendar = *calendar, context, reply](sync::Discovery found) mutable {
                       std::vector<std::string> notes;
                       if (found.refused) {
                         reply(core::fail(ErrorCode::invalid_params, found.error));
                         return;
                       }
                       if (!found.collection_url.empty()) {
                         calendar.collection_url = found.collection_url;
                       } else {
                         notes.push_back("the server could not be reached (" + found.error +
                                         "); its collection is looked for at the next sync");
                       }
                       reply(store_added(std::move(calendar), context, std::move(notes)));
                     });
}

core::Result<store::Calendar> CalendarSetHandlers::calendar_to_add(const nlohmann::json &params,
                                                                   const CallContext &context) {
  core::ParamReader reader(params);
  auto name = reader.optional_string("name");
  auto subscribe = reader.optional_string("subscribe");
  auto caldav = reader.optional_string("caldav");
  auto collection = reader.optional_string("collection");
  auto every = reader.optional_string("every");
  auto user = reader.optional_string("user");
  auto password_file = reader.optional_string("password_file");
  auto tz = reader.optional_string("tz");
  for (const auto *read :
       {&name, &subscribe, &caldav, &collection, &every, &user, &password_file, &tz}) {
    if (!*read) {
      return tl::unexpected(read->error());
    }
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*name) {
    return core::fail_field("name", "a calendar needs a name (e.g. un-meetings)");
  }
  if (auto valid = core::check_calendar_name(**name); !valid) {
    return core::fail_field("name", valid.error().message);
  }
  if (*subscribe && *caldav) {
    return core::fail_field("subscribe", "give subscribe or caldav, not both");
  }
  if (*every && !*subscribe && !*caldav) {
    return core::fail_field("every", "only a subscription or a CalDAV calendar syncs on an "
                                     "interval");
  }
  if (*collection && !*caldav) {
    return core::fail_field("collection", "only a CalDAV calendar (caldav) takes a collection");
  }
  if ((*user || *password_file) && !*caldav) {
    return core::fail_field(*user ? "user" : "password_file",
                            "only a CalDAV calendar (caldav) takes a user and a password file");
  }
  if (*password_file && !*user) {
    return core::fail_field("user", "a password file needs the user name it belongs to");
  }
  store::Calendar calendar;
  calendar.name = **name;
  calendar.owner_uid = context.peer.uid;
  if (*tz) {
    if (!core::find_zone(**tz)) {
      return core::fail_field(
          "tz", fmt::format("{} is not a known IANA zone", core::quoted_for_message(**tz)));
    }
    calendar.tz = **tz;
  }
  if (*subscribe) {
    auto url = core::subscription_url(**subscribe);
    if (!url) {
      return core::fail_field("subscribe", url.error().message);
    }
    calendar.kind = "subscription";
    calendar.url = *url;
    calendar.every = core::k_default_poll_interval;
    if (*every) {
      auto interval = core::poll_interval(**every);
      if (!interval) {
        return core::fail_field("every", interval.error().message);
      }
      calendar.every = *interval;
    }
    calendar.state = "never synced";
  } else if (*caldav) {
    auto url = core::caldav_url(**caldav);
    if (!url) {
      return core::fail_field("caldav", url.error().message);
    }
    calendar.kind = "caldav";
    calendar.url = *url;
    if (*every) {
      auto interval = core::poll_interval(**every);
      if (!interval) {
        return core::fail_field("every", interval.error().message);
      }
      calendar.every = *interval;
    }
    if (*collection) {
      if (auto valid = core::check_user_name(**collection); !valid) {
        return core::fail_field("collection",
                                fmt::format("{} is not a collection name summit accepts",
                                            core::quoted_for_message(**collection)));
      }
      calendar.collection = **collection;
    }
    if (*user) {
      if (auto valid = core::check_user_name(**user); !valid) {
        return core::fail_field("user", valid.error().message);
      }
      calendar.user_name = **user;
    }
    if (*password_file) {
      if (auto valid = check_password_file(**password_file, context.peer.uid); !valid) {
        return tl::unexpected(valid.error());
      }
      calendar.password_file = **password_file;
    }
    calendar.state = "never synced";
  } else {
    calendar.kind = "local";
    calendar.state = "ok";
  }
  return calendar;
}

HandlerResult CalendarSetHandlers::store_added(store::Calendar calendar, const CallContext &context,
                                               std::vector<std::string> notes) {
  auto stored = m_calendars.add(std::move(calendar), context.now);
  if (!stored) {
    return tl::unexpected(stored.error());
  }
  nlohmann::json reply = nlohmann::json::object();
  reply["calendar"] = calendar_json(*stored);
  if (stored->kind == "subscription" && m_poller != nullptr) {
    // The first fetch starts once the calendar's row is committed: the
    // poller reads the table on the loop's next turn.
    reply["notes"] = nlohmann::json::array(
        {"the first fetch has started; summit sync " + stored->name + " waits for it"});
  } else if (stored->kind == "caldav" && m_caldav != nullptr) {
    reply["notes"] = nlohmann::json::array(
        {"the first sync has started; summit sync " + stored->name + " waits for it"});
  } else {
    reply["notes"] = nlohmann::json::array();
  }
  for (auto &note : notes) {
    reply["notes"].push_back(std::move(note));
  }
  if (m_poller != nullptr && stored->kind == "subscription") {
    m_poller->sync_now(*stored, [](const nlohmann::json &) {});
  }
  if (m_caldav != nullptr && stored->kind == "caldav") {
    m_caldav->sync_now(*stored, false, [](const nlohmann::json &) {});
  }
  return reply;
}

HandlerResult CalendarSetHandlers::list(const nlohmann::json &params, const CallContext &) {
  core::ParamReader reader(params);
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  auto calendars = m_calendars.list();
  if (!calendars) {
    return tl::unexpected(calendars.error());
  }
  nlohmann::json out = nlohmann::json::array();
  store::CaldavStore caldav(m_store);
  for (const auto &calendar : *calendars) {
    out.push_back(calendar_json(calendar));
    if (calendar.kind == "caldav") {
      auto pending = caldav.pending_count(calendar.id);
      auto conflicts = caldav.conflict_count(calendar.id);
      if (!pending || !conflicts) {
        return tl::unexpected(!pending ? pending.error() : conflicts.error());
      }
      out.back()["pending_changes"] = *pending;
      out.back()["conflicts"] = *conflicts;
    }
  }
  return nlohmann::json{{"calendars", std::move(out)}};
}

HandlerResult CalendarSetHandlers::remove(const nlohmann::json &params,
                                          const CallContext &context) {
  core::ParamReader reader(params);
  auto name = reader.optional_string("name");
  if (!name) {
    return tl::unexpected(name.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*name) {
    return core::fail_field("name", "name the calendar to remove");
  }
  auto id = calendar_id_named(m_store, **name);
  if (!id) {
    return tl::unexpected(id.error());
  }
  if (*id == 1) {
    return core::fail(ErrorCode::invalid_params,
                      "the calendar 'personal' cannot be removed: it is where events go by "
                      "default");
  }
  auto calendar = m_calendars.find(**name);
  if (!calendar || !*calendar) {
    return core::fail(ErrorCode::not_found, fmt::format("no calendar named '{}'", **name));
  }
  if (context.peer.uid != 0 && context.peer.uid != (*calendar)->owner_uid) {
    return core::fail(ErrorCode::permission_denied,
                      fmt::format("calendar '{}' was added by uid {}; only they or root may "
                                  "remove it",
                                  **name, (*calendar)->owner_uid));
  }
  auto removed = m_calendars.remove(*id);
  if (!removed) {
    return tl::unexpected(removed.error());
  }
  spdlog::info("calendar '{}' removed with its {} events (uid {})", **name, *removed,
               context.peer.uid);
  if (m_on_change) {
    m_on_change();
  }
  return nlohmann::json{{"removed", **name}, {"events", *removed}};
}

void CalendarSetHandlers::sync(const nlohmann::json &params, const CallContext &context,
                               DeferredReply reply) {
  core::ParamReader reader(params);
  auto name = reader.optional_string("name");
  if (!name) {
    reply(tl::unexpected(name.error()));
    return;
  }
  auto allow = reader.optional_bool("allow_deletions");
  if (!allow) {
    reply(tl::unexpected(allow.error()));
    return;
  }
  auto progress = reader.optional_bool("progress");
  if (!progress) {
    reply(tl::unexpected(progress.error()));
    return;
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    reply(tl::unexpected(unknown.error()));
    return;
  }
  const bool allow_deletions = allow->value_or(false);
  // calendar.progress notifications on this connection, before the reply
  // (docs/PROTOCOL.md): a few per second at most, a few waiting at most.
  CaldavSyncer::Progress tell;
  if (progress->value_or(false)) {
    tell = [connection = context.connection](const nlohmann::json &so_far) {
      if (auto open = connection.lock()) {
        open->notify(core::rpc::to_line(
                         core::rpc::make_notification(core::protocol::calendar_progress, so_far)),
                     4);
      }
    };
  }
  if (allow_deletions && !*name) {
    reply(core::fail_field("allow_deletions", "name the calendar whose removals you allow"));
    return;
  }
  if (m_poller == nullptr) {
    reply(core::fail(ErrorCode::unavailable, "this summitd polls no subscriptions"));
    return;
  }
  auto calendars = m_calendars.list();
  if (!calendars) {
    reply(tl::unexpected(calendars.error()));
    return;
  }
  std::vector<store::Calendar> chosen;
  nlohmann::json skipped = nlohmann::json::array();
  for (auto &calendar : *calendars) {
    if (*name && core::text::to_lower(calendar.name) != core::text::to_lower(**name)) {
      continue;
    }
    if (calendar.kind == "subscription" || (calendar.kind == "caldav" && m_caldav != nullptr)) {
      chosen.push_back(std::move(calendar));
    } else if (*name) {
      reply(core::fail(
          ErrorCode::invalid_params,
          fmt::format("calendar '{}' is local: there is nothing to sync", calendar.name)));
      return;
    }
  }
  if (*name && chosen.empty()) {
    reply(core::fail(ErrorCode::not_found,
                     fmt::format("no calendar named {}; see summit calendar list",
                                 core::quoted_for_message(**name))));
    return;
  }
  struct Gathered {
    DeferredReply reply;
    nlohmann::json results = nlohmann::json::array();
    nlohmann::json skipped;
    std::size_t left = 0;
  };
  auto gathered =
      std::make_shared<Gathered>(Gathered{reply, nlohmann::json::array(), skipped, chosen.size()});
  if (chosen.empty()) {
    reply(nlohmann::json{{"calendars", nlohmann::json::array()}, {"skipped", skipped}});
    return;
  }
  for (const auto &calendar : chosen) {
    auto done = [gathered](const nlohmann::json &outcome) {
      gathered->results.push_back(outcome);
      if (--gathered->left == 0) {
        gathered->reply(
            nlohmann::json{{"calendars", gathered->results}, {"skipped", gathered->skipped}});
      }
    };
    if (calendar.kind == "caldav") {
      m_caldav->sync_now(calendar, allow_deletions, std::move(done), tell);
    } else {
      m_poller->sync_now(calendar, std::move(done));
    }
  }
}

} // namespace summit::server
