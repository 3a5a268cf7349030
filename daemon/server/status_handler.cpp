#include "daemon/server/status_handler.hpp"

#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/time_format.hpp"
#include "daemon/server/calendar_set_handlers.hpp"
#include "daemon/server/subscriber_feed.hpp"
#include "daemon/store/calendar_store.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"

#include <unistd.h>

#include <algorithm>

namespace summit::server {

StatusHandler::StatusHandler(store::EventStore &store, DaemonInfo info,
                             store::ReminderStore *reminders, core::Seconds late_after,
                             SubscriberFeed *feed)
    : m_store(store), m_info(std::move(info)), m_reminders(reminders), m_late_after(late_after),
      m_feed(feed) {}

void StatusHandler::register_with(Dispatcher &dispatcher) {
  dispatcher.add(core::protocol::daemon_status, [this](const auto &params, const auto &context) {
    return status(params, context);
  });
}

HandlerResult StatusHandler::status(const nlohmann::json &params, const CallContext &context) {
  if (auto unknown = core::ParamReader(params).reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  auto events = m_store.count();
  if (!events) {
    return tl::unexpected(events.error());
  }
  const auto uptime = context.now > m_info.started ? (context.now - m_info.started).count() : 0;
  nlohmann::json reply{
      {"version", SUMMIT_VERSION},
      {"pid", static_cast<std::int64_t>(::getpid())},
      {"uptime_seconds", uptime},
      {"events", *events},
      {"schema_version", m_store.schema_version()},
      {"tzdata", m_info.tzdata},
      {"socket", m_info.socket},
      {"database", m_info.database},
      {"mode", m_info.mode},
  };
  if (m_reminders != nullptr) {
    auto stats = m_reminders->stats(m_late_after);
    if (!stats) {
      return tl::unexpected(stats.error());
    }
    reply["reminders"] = {
        {"pending", stats->pending},
        {"fired", stats->fired},
        {"late", stats->late},
        {"missed", stats->missed},
        {"undelivered", stats->undelivered},
        {"next_due", stats->next_due ? nlohmann::json(core::format_iso_utc(*stats->next_due))
                                     : nlohmann::json()},
        {"next_event_id",
         stats->next_event_id ? nlohmann::json(*stats->next_event_id) : nlohmann::json()},
    };
  }
  // Issue 14: every calendar, with its last sync and error (calendar.list's
  // entries).
  auto calendars = store::CalendarStore(m_store).list();
  if (!calendars) {
    return tl::unexpected(calendars.error());
  }
  reply["calendars"] = nlohmann::json::array();
  for (const auto &calendar : *calendars) {
    reply["calendars"].push_back(calendar_json(calendar));
  }
  if (m_feed != nullptr) {
    auto subscribers = nlohmann::json::array();
    for (const auto &subscriber : m_feed->subscribers()) {
      subscribers.push_back(
          {{"uid", subscriber.peer.uid},
           {"pid", subscriber.peer.pid},
           {"cursor", subscriber.cursor},
           {"behind", std::max<std::int64_t>(0, m_feed->latest() - subscriber.cursor)},
           {"queued_bytes", subscriber.queued_bytes}});
    }
    reply["subscribers"] = std::move(subscribers);
    reply["firing_log"] = {{"last_firing_id", m_feed->latest()}};
  }
  return reply;
}

} // namespace summit::server
