#include "daemon/server/caldav_handlers.hpp"

#include "core/calendar_rules.hpp"
#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/time_format.hpp"
#include "daemon/server/caldav_syncer.hpp"
#include "daemon/server/calendar_set_handlers.hpp"
#include "daemon/server/subscription_poller.hpp"
#include "daemon/store/caldav_store.hpp"
#include "daemon/store/calendar_store.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <limits>
namespace summit::server {

using core::ErrorCode;

CaldavHandlers::CaldavHandlers(store::EventStore &store, CaldavSyncer *syncer,
                               std::function<void()> on_change)
    : m_store(store), m_syncer(syncer), m_on_change(std::move(on_change)) {}

void CaldavHandlers::register_with(Dispatcher &dispatcher) {
  dispatcher.add(
      core::protocol::calendar_conflicts,
      [this](const auto &params, const auto &context) { return conflicts(params, context); });
  dispatcher.add(core::protocol::calendar_resolve, [this](const auto &params, const auto &context) {
    return resolve(params, context);
  });
}

HandlerResult CaldavHandlers::conflicts(const nlohmann::json &params, const CallContext &) {
  core::ParamReader reader(params);
  auto name = reader.optional_string("name");
  if (!name) {
    return tl::unexpected(name.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  std::int64_t id = 0;
  if (*name) {
    auto found = calendar_id_named(m_store, **name);
    if (!found) {
      return tl::unexpected(found.error());
    }
    id = *found;
  }
  auto listed = store::CaldavStore(m_store).conflicts(id);
  if (!listed) {
    return tl::unexpected(listed.error());
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto &conflict : *listed) {
    out.push_back(nlohmann::json{{"id", conflict.id},
                                 {"calendar", conflict.calendar},
                                 {"uid", conflict.uid},
                                 {"title", conflict.title},
                                 {"kind", conflict.kind},
                                 {"created", core::format_iso_utc(conflict.created)},
                                 {"local_ics", conflict.local_ics}});
  }
  return nlohmann::json{{"conflicts", std::move(out)}};
}

HandlerResult CaldavHandlers::resolve(const nlohmann::json &params, const CallContext &context) {
  core::ParamReader reader(params);
  auto id = reader.optional_integer("id", 1, std::numeric_limits<std::int64_t>::max());
  auto keep = reader.optional_string("keep");
  if (!id) {
    return tl::unexpected(id.error());
  }
  if (!keep) {
    return tl::unexpected(keep.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*id) {
    return core::fail_field("id", "name the conflict (summit calendar conflicts lists them)");
  }
  if (!*keep || (**keep != "local" && **keep != "server")) {
    return core::fail_field("keep", "say which version to keep: local or server");
  }
  store::CaldavStore caldav(m_store);
  auto found = caldav.conflict(**id);
  if (!found) {
    return tl::unexpected(found.error());
  }
  if (!*found) {
    return core::fail(ErrorCode::not_found,
                      fmt::format("no conflict {}; summit calendar conflicts lists them", **id));
  }
  const store::CaldavConflict conflict = std::move(**found);
  auto calendar = store::CalendarStore(m_store).find(conflict.calendar);
  if (!calendar || !*calendar) {
    return core::fail(ErrorCode::not_found, "the conflict's calendar is gone");
  }
  if (context.peer.uid != 0 && context.peer.uid != (*calendar)->owner_uid) {
    return core::fail(ErrorCode::permission_denied,
                      fmt::format("calendar '{}' was added by uid {}; only they or root may "
                                  "settle its conflicts",
                                  conflict.calendar, (*calendar)->owner_uid));
  }
  std::optional<core::Event> local;
  if (**keep == "local" && conflict.kind != "removal") {
    DraftedFeed feed = draft_feed(conflict.local_ics, (*calendar)->tz, (*calendar)->owner_uid,
                                  context.now, 1000, "the conflict's local version");
    if (!feed.error.empty() || feed.events.empty()) {
      return core::fail(ErrorCode::invalid_params,
                        fmt::format("the local version of conflict {} cannot be read back ({}); "
                                    "resolve it with --keep-server",
                                    conflict.id, feed.error));
    }
    local = std::move(feed.events.front());
  }
  const std::int64_t calendar_id = (*calendar)->id;
  auto written = m_store.write_together([&]() -> core::Result<void> {
    if (**keep == "local") {
      auto current = caldav.event_with_uid(calendar_id, conflict.uid);
      if (!current) {
        return tl::unexpected(current.error());
      }
      if (conflict.kind == "removal") {
        if (*current) {
          if (auto gone = m_store.remove((*current)->id); !gone) {
            return gone;
          }
        }
      } else if (*current) {
        local->id = (*current)->id;
        local->created = (*current)->created;
        local->owner_uid = (*current)->owner_uid;
        local->updated = context.now;
        if (auto stored = m_store.update(*local); !stored) {
          return tl::unexpected(stored.error());
        }
      } else {
        local->id = 0;
        local->created = context.now;
        local->updated = context.now;
        auto stored = m_store.add(std::move(*local));
        if (!stored) {
          return tl::unexpected(stored.error());
        }
        if (auto put = store::CalendarStore(m_store).assign(stored->id, calendar_id); !put) {
          return put;
        }
      }
    }
    return caldav.drop_conflict(conflict.id);
  });
  if (!written) {
    return tl::unexpected(written.error());
  }
  spdlog::info("caldav '{}': conflict {} ({}) settled: the {} version kept", conflict.calendar,
               conflict.id, conflict.uid, **keep);
  if (**keep == "local") {
    if (m_on_change) {
      m_on_change();
    }
  }
  return nlohmann::json{{"resolved", conflict.id}, {"kept", **keep}};
}

} // namespace summit::server
