#include "cli/notify/notification_actions.hpp"

#include "cli/views/terminal_text.hpp"
#include "core/protocol.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>

namespace summit::cli {

std::vector<std::string> NotificationActions::notify_actions() {
  return {std::string(k_snooze), "Snooze 10 min", std::string(k_done), "Done"};
}

void NotificationActions::remember(std::uint32_t id, const nlohmann::json &params) {
  const auto reminder = params.find("reminder_id");
  const auto title = params.find("title");
  if (reminder == params.end() || !reminder->is_number_integer()) {
    return;
  }
  const std::uint64_t serial = ++m_serial;
  m_reminders[id] =
      Shown{reminder->get<std::int64_t>(),
            title != params.end() && title->is_string() ? title->get<std::string>() : std::string(),
            serial};
  m_order.emplace_back(id, serial);
  while (m_reminders.size() > m_capacity && !m_order.empty()) {
    const auto [oldest, oldest_serial] = m_order.front();
    m_order.pop_front();
    if (auto it = m_reminders.find(oldest);
        it != m_reminders.end() && it->second.serial == oldest_serial) {
      m_reminders.erase(it);
    }
  }
  // Forgotten ids leave stale entries behind; drop them before they pile up.
  if (m_order.size() > 2 * m_capacity) {
    std::erase_if(m_order, [this](const auto &entry) {
      const auto it = m_reminders.find(entry.first);
      return it == m_reminders.end() || it->second.serial != entry.second;
    });
  }
}

void NotificationActions::forget(std::uint32_t id) { m_reminders.erase(id); }

std::optional<ReminderAction> NotificationActions::take(std::uint32_t id, std::string_view key) {
  const auto it = m_reminders.find(id);
  if (it == m_reminders.end() || (key != k_snooze && key != k_done)) {
    return std::nullopt;
  }
  ReminderAction action;
  action.key = std::string(key);
  action.reminder_id = it->second.reminder_id;
  action.title = std::move(it->second.title);
  m_reminders.erase(it);
  if (key == k_snooze) {
    action.method = core::protocol::reminder_snooze;
    action.params = {{"reminder_id", action.reminder_id},
                     {"duration", std::string(k_snooze_duration)}};
  } else {
    action.method = core::protocol::reminder_ack;
    action.params = {{"reminder_id", action.reminder_id}};
  }
  return action;
}

std::string NotificationActions::done_line(const ReminderAction &action,
                                           const nlohmann::json &result,
                                           const date::time_zone *viewer) {
  const std::string title = printable(action.title);
  if (action.key != k_snooze) {
    return fmt::format("acknowledged \"{}\"", title);
  }
  const std::string due = result.is_object() ? result.value("due", std::string()) : std::string();
  const auto when = core::parse_iso(due);
  if (!when || when->kind != core::When::Kind::instant) {
    return fmt::format("snoozed \"{}\" for {}", title, k_snooze_duration);
  }
  const auto local = date::floor<core::Seconds>(core::to_local(when->instant, viewer));
  return fmt::format("snoozed \"{}\" until {}", title, core::format_clock_time(local));
}

std::string NotificationActions::failed_line(const ReminderAction &action,
                                             const std::string &message) {
  return fmt::format("could not {} \"{}\" (reminder {}): {}",
                     action.key == k_snooze ? "snooze" : "acknowledge", action.title,
                     action.reminder_id, message);
}

} // namespace summit::cli
