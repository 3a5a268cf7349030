#pragma once

#include "daemon/scheduler/channel.hpp"
#include "daemon/server/dispatcher.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace summit::server {

// The "subscribers" delivery channel: pushes each firing as a
// `reminder.fired` notification to every connection that called
// `reminder.subscribe`.
//
// Each subscriber has its own bounded queue (Connection::notify with
// `queue_bound`): one that stops reading loses its oldest notifications,
// with a warning logged at most every 10 s of firing time per subscriber,
// while the others carry on. Nothing here ever waits on a client.
//
// A firing counts as delivered once its notification is in every current
// subscriber's queue, or at once when nobody is subscribed: a reminder with
// nobody watching is delivered by the log alone, and is not kept for a
// subscriber who connects later.
//
// Holds weak_ptrs only: a closed connection simply drops out. Single-threaded:
// call it on the io_context's thread.
class SubscriberChannel final : public scheduler::Channel {
public:
  explicit SubscriberChannel(std::size_t queue_bound = 4096);

  std::string_view name() const override { return "subscribers"; }
  void deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) override;

  // Adds a connection (subscribing twice is the same as once).
  void subscribe(const std::shared_ptr<Connection> &connection);
  // Live subscribers (closed ones are forgotten here).
  std::size_t subscriber_count();

  // Registers reminder.subscribe: marks the calling connection a subscriber;
  // result {"subscribed": true}. Fails (unavailable) without a connection.
  void register_with(Dispatcher &dispatcher);
  HandlerResult subscribe_method(const nlohmann::json &params, const CallContext &context);

private:
  struct Subscriber {
    std::weak_ptr<Connection> connection;
    Peer peer;
    std::uint64_t dropped_unreported = 0;
    std::uint64_t dropped_total = 0;
    std::optional<core::SysSeconds> last_warning;
  };

  void forget_closed();
  void note_dropped(Subscriber &subscriber, std::size_t dropped, core::SysSeconds when);

  std::size_t m_queue_bound;
  std::vector<Subscriber> m_subscribers;
};

// The reminder.fired notification for a firing, as one wire line:
// {"jsonrpc":"2.0","method":"reminder.fired","params":{...}} (docs/PROTOCOL.md).
nlohmann::json fired_params(const scheduler::Firing &firing);
std::string fired_notification_line(const scheduler::Firing &firing);

} // namespace summit::server
