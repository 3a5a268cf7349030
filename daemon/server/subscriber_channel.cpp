#include "daemon/server/subscriber_channel.hpp"

#include "core/rpc.hpp"
#include "core/time_format.hpp"
#include "daemon/server/param_reader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace summit::server {
namespace {

// At most one "dropped notifications" warning per subscriber this often, so
// that a stuck client during a burst of 100,000 firings logs one line, not
// 100,000. Measured on firing times: no clock is read here.
constexpr core::Seconds k_warning_interval{10};

// The reminder.fired message, kept built: each firing only assigns the
// values in place and serializes it. Building a fresh nlohmann::json object
// per firing (fourteen map nodes and their strings, then a copy into the
// message) cost three times as much, and a burst makes 100,000 of them.
// One per thread, so that fired_notification_line may be called anywhere.
class FiredMessage {
public:
  FiredMessage() {
    m_message = {
        {"jsonrpc", "2.0"}, {"method", "reminder.fired"}, {"params", nlohmann::json::object()}};
    nlohmann::json &params = m_message["params"];
    const auto text = [&](const char *key) {
      params[key] = "";
      return &params[key].get_ref<std::string &>();
    };
    const auto number = [&](const char *key) {
      params[key] = std::int64_t{0};
      return &params[key].get_ref<std::int64_t &>();
    };
    const auto flag = [&](const char *key) {
      params[key] = false;
      return &params[key].get_ref<bool &>();
    };
    // The keys of docs/PROTOCOL.md, reminder.fired.
    m_reminder_id = number("reminder_id");
    m_firing_id = number("firing_id");
    m_event_id = number("event_id");
    m_title = text("title");
    m_start = text("start");
    m_start_utc = text("start_utc");
    m_tz = text("tz");
    m_location = text("location");
    m_reminder = text("reminder");
    m_due = text("due");
    m_fired_at = text("fired_at");
    m_late_seconds = number("late_seconds");
    m_late = flag("late");
    m_redelivery = flag("redelivery");
  }

  const nlohmann::json &fill(const scheduler::Firing &firing) {
    *m_reminder_id = firing.reminder_id;
    *m_firing_id = firing.firing_id;
    *m_event_id = firing.event_id;
    *m_title = firing.title;
    *m_start = firing.start_local;
    *m_start_utc = core::format_iso_utc(firing.start_utc);
    *m_tz = firing.tz;
    *m_location = firing.location;
    *m_reminder = firing.reminder;
    *m_due = core::format_iso_utc(firing.due);
    *m_fired_at = core::format_iso_utc(firing.fired_at);
    *m_late_seconds = firing.lateness.count();
    *m_late = firing.late;
    *m_redelivery = firing.redelivery;
    return m_message;
  }

private:
  nlohmann::json m_message;
  // Into m_message's own values: the nodes of its objects never move.
  std::int64_t *m_reminder_id = nullptr;
  std::int64_t *m_firing_id = nullptr;
  std::int64_t *m_event_id = nullptr;
  std::string *m_title = nullptr;
  std::string *m_start = nullptr;
  std::string *m_start_utc = nullptr;
  std::string *m_tz = nullptr;
  std::string *m_location = nullptr;
  std::string *m_reminder = nullptr;
  std::string *m_due = nullptr;
  std::string *m_fired_at = nullptr;
  std::int64_t *m_late_seconds = nullptr;
  bool *m_late = nullptr;
  bool *m_redelivery = nullptr;
};

FiredMessage &fired_message() {
  thread_local FiredMessage message;
  return message;
}

} // namespace

nlohmann::json fired_params(const scheduler::Firing &firing) {
  return fired_message().fill(firing)["params"];
}

std::string fired_notification_line(const scheduler::Firing &firing) {
  return core::rpc::to_line(fired_message().fill(firing));
}

SubscriberChannel::SubscriberChannel(std::size_t queue_bound)
    : m_queue_bound(std::max<std::size_t>(queue_bound, 1)) {}

void SubscriberChannel::deliver(const scheduler::Firing &firing,
                                std::function<void()> on_delivered) {
  forget_closed();
  if (!m_subscribers.empty()) {
    auto line = fired_notification_line(firing);
    for (std::size_t i = 0; i < m_subscribers.size(); ++i) {
      auto &subscriber = m_subscribers[i];
      if (auto connection = subscriber.connection.lock()) {
        // The last subscriber takes the line itself; the others a copy.
        const bool last = i + 1 == m_subscribers.size();
        const auto dropped =
            connection->notify(last ? std::move(line) : std::string(line), m_queue_bound);
        if (dropped > 0) {
          note_dropped(subscriber, dropped, firing.fired_at);
        }
      }
    }
  }
  // In every subscriber's queue (or nobody is watching): done.
  on_delivered();
}

void SubscriberChannel::note_dropped(Subscriber &subscriber, std::size_t dropped,
                                     core::SysSeconds when) {
  subscriber.dropped_unreported += dropped;
  subscriber.dropped_total += dropped;
  if (subscriber.last_warning && when - *subscriber.last_warning < k_warning_interval) {
    return;
  }
  spdlog::warn("subscriber uid {} pid {} is not reading its reminders: dropped the oldest {} "
               "queued notification(s) ({} in all; its queue holds {})",
               subscriber.peer.uid, subscriber.peer.pid, subscriber.dropped_unreported,
               subscriber.dropped_total, m_queue_bound);
  subscriber.dropped_unreported = 0;
  subscriber.last_warning = when;
}

void SubscriberChannel::subscribe(const std::shared_ptr<Connection> &connection) {
  forget_closed();
  const auto known = std::find_if(m_subscribers.begin(), m_subscribers.end(),
                                  [&](const auto &s) { return s.connection.lock() == connection; });
  if (known != m_subscribers.end()) {
    return;
  }
  connection->keep_alive();
  Subscriber subscriber;
  subscriber.connection = connection;
  subscriber.peer = connection->peer();
  m_subscribers.push_back(std::move(subscriber));
  spdlog::debug("uid {} pid {} subscribed to reminders ({} subscriber(s))", connection->peer().uid,
                connection->peer().pid, m_subscribers.size());
}

std::size_t SubscriberChannel::subscriber_count() {
  forget_closed();
  return m_subscribers.size();
}

void SubscriberChannel::forget_closed() {
  std::erase_if(m_subscribers, [](const Subscriber &subscriber) {
    const auto connection = subscriber.connection.lock();
    return !connection || connection->closed();
  });
}

void SubscriberChannel::register_with(Dispatcher &dispatcher) {
  dispatcher.add("reminder.subscribe", [this](const auto &params, const auto &context) {
    return subscribe_method(params, context);
  });
}

HandlerResult SubscriberChannel::subscribe_method(const nlohmann::json &params,
                                                  const CallContext &context) {
  if (auto unknown = ParamReader(params).reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  const auto connection = context.connection.lock();
  if (!connection) {
    return core::fail(core::ErrorCode::unavailable,
                      "reminder.subscribe needs a connection to push reminders to");
  }
  subscribe(connection);
  return nlohmann::json{{"subscribed", true}};
}

} // namespace summit::server
