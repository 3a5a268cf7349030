#include "daemon/server/subscriber_feed.hpp"

#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/rpc.hpp"
#include "core/time_format.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace summit::server {
namespace {

// The reminder.fired message, kept built: each firing only assigns the
// values in place and serializes it. Building a fresh nlohmann::json object
// per firing (fourteen map nodes and their strings, then a copy into the
// message) cost three times as much, and a burst makes 100,000 of them.
// One per thread, so that fired_notification_line may be called anywhere.
class FiredMessage {
public:
  FiredMessage() {
    m_message = {{"jsonrpc", "2.0"},
                 {"method", core::protocol::reminder_fired},
                 {"params", nlohmann::json::object()}};
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
    m_catch_up = flag("catch_up");
  }

  const nlohmann::json &fill(const scheduler::Firing &firing, bool catch_up) {
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
    *m_catch_up = catch_up;
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
  bool *m_catch_up = nullptr;
};

FiredMessage &fired_message() {
  thread_local FiredMessage message;
  return message;
}

} // namespace

nlohmann::json fired_params(const scheduler::Firing &firing, bool catch_up) {
  return fired_message().fill(firing, catch_up)["params"];
}

std::string fired_notification_line(const scheduler::Firing &firing, bool catch_up) {
  return core::rpc::to_line(fired_message().fill(firing, catch_up));
}

struct SubscriberFeed::Subscriber {
  std::weak_ptr<Connection> connection;
  Peer peer;
  std::int64_t cursor = 0;
  // Firings up to this id had fired before the subscription began: they are
  // sent as catch-up, marked late by how long ago they fell due.
  std::int64_t catch_up_to = 0;
  // A pump is posted and has not run yet: another would only repeat it.
  bool scheduled = false;
  // Its window is full: nothing more until the client reads (on_writable).
  bool waiting_for_room = false;
  // Bytes of the last page sent: a client that has read all but those
  // keeps up (it has not had the time to read what was just sent).
  std::size_t last_page_bytes = 0;
};

SubscriberFeed::SubscriberFeed(boost::asio::any_io_executor executor, FiringLog &log,
                               core::Clock clock, FeedOptions options)
    : m_executor(std::move(executor)), m_log(log), m_clock(std::move(clock)), m_options(options),
      m_alive(std::make_shared<SubscriberFeed *>(this)) {
  m_options.page = std::max<std::size_t>(m_options.page, 1);
  if (auto last = m_log.last_id(m_clock())) {
    m_latest = *last;
  }
  m_prepared = m_latest;
  m_prepare_from = m_latest;
}

SubscriberFeed::~SubscriberFeed() {
  for (const auto &subscriber : m_subscribers) {
    if (auto connection = subscriber->connection.lock()) {
      connection->on_writable(nullptr);
    }
  }
}

void SubscriberFeed::advance(std::int64_t last_id) {
  m_latest = std::max(m_latest, last_id);
  pump_all();
  caught_up_if_so();
}

void SubscriberFeed::prepare(std::int64_t first_id, std::int64_t recorded_to) {
  m_hold_from = m_hold_from > m_latest ? std::min(m_hold_from, first_id) : first_id;
  m_prepared = std::max({m_prepared, recorded_to, m_latest});
  m_prepare_from = std::max(m_prepare_from, m_latest);
  forget_closed();
  if (m_subscribers.empty() || m_prepare_posted || m_prepare_from >= m_prepared) {
    return; // nobody to format them for (a subscriber that comes reads the log)
  }
  m_prepare_posted = true;
  boost::asio::post(m_executor, [alive = std::weak_ptr<SubscriberFeed *>(m_alive)] {
    if (const auto self = alive.lock()) {
      (*self)->prepare_step();
    }
  });
}

void SubscriberFeed::prepare_step() {
  m_prepare_posted = false;
  m_prepare_from = std::max(m_prepare_from, m_latest);
  if (m_prepare_from >= m_prepared) {
    return;
  }
  auto found = page_after(m_prepare_from);
  if (!found || (*found)->scanned_to <= m_prepare_from) {
    return; // not visible on this connection yet: the pumps read it at the second
  }
  const std::shared_ptr<const FiringLog::Page> page = std::move(*found);
  for (const auto &firing : page->fired) {
    if (firing.firing_id > m_prepared) {
      break;
    }
    live_line(firing);
  }
  m_prepare_from = page->scanned_to;
  prepare(m_hold_from, m_prepared); // the next page, after what else the loop has waiting
}

void SubscriberFeed::withdraw(std::int64_t first_id) {
  m_live_lines.erase(m_live_lines.lower_bound(first_id), m_live_lines.end());
  std::erase_if(m_pages, [&](const auto &entry) { return entry.second->scanned_to >= first_id; });
  m_hold_from = first_id; // still held: taken again, then released by advance()
  m_prepared = std::max(m_latest, std::min(m_prepared, first_id - 1));
  m_prepare_from = std::min(m_prepare_from, m_prepared);
}

void SubscriberFeed::caught_up_if_so() {
  if (m_keeping_up.empty() && m_on_caught_up) {
    m_on_caught_up();
  }
}

void SubscriberFeed::pump_all() {
  forget_closed();
  // Those that keep up go first (pump_soon).
  for (const auto &subscriber : m_subscribers) {
    pump_soon(subscriber);
  }
}

const std::string &SubscriberFeed::live_line(const scheduler::Firing &firing) {
  if (const auto found = m_live_lines.find(firing.firing_id); found != m_live_lines.end()) {
    return found->second;
  }
  while (m_live_lines.size() >= k_live_lines_kept) {
    m_live_lines.erase(m_live_lines.begin()); // the oldest firing's
  }
  scheduler::Firing live = firing;
  live.late = live.lateness > m_options.late_after;
  return m_live_lines.emplace(firing.firing_id, fired_notification_line(live, false)).first->second;
}

core::Result<std::shared_ptr<const FiringLog::Page>>
SubscriberFeed::page_after(std::int64_t after) {
  // A full page never changes (firings are only appended); a shorter one
  // holds for as long as it reaches the newest firing the feed knows of.
  const auto current = [&](const FiringLog::Page &page) {
    return page.scanned >= m_options.page || page.scanned_to >= std::max(m_latest, m_prepared);
  };
  if (const auto found = m_pages.find(after); found != m_pages.end()) {
    if (current(*found->second)) {
      return found->second;
    }
    m_pages.erase(found);
  }
  auto read = m_log.after(after, m_options.page);
  if (!read) {
    return tl::unexpected(read.error());
  }
  auto page = std::make_shared<const FiringLog::Page>(std::move(*read));
  // One that stops short of the newest firing (not yet visible on this
  // connection: its group had begun before the firing thread's commit) is
  // not kept: read again, it will reach further.
  if (current(*page)) {
    m_pages.emplace(after, page);
    while (m_pages.size() > k_pages_kept) {
      m_pages.erase(m_pages.begin()); // the oldest
    }
  }
  return page;
}

void SubscriberFeed::pump(const std::shared_ptr<Subscriber> &subscriber) {
  const auto connection = subscriber->connection.lock();
  if (!connection || connection->closed() || subscriber->waiting_for_room) {
    return;
  }
  if (connection->replies_held() > 0) {
    // Its subscribe reply waits for a group commit: notifications follow
    // it (pump_all() runs after the commit).
    return;
  }
  if (subscriber->cursor >= m_latest) {
    return;
  }
  if (connection->notification_backlog() >= m_options.window) {
    subscriber->waiting_for_room = true;
    return;
  }
  // One page per turn of the loop, then behind whatever else is waiting:
  // subscribers share the loop fairly with each other and with requests,
  // however many there are and however far behind.
  auto found = page_after(subscriber->cursor);
  if (!found) {
    spdlog::error("cannot read the firing log for subscriber uid {} pid {}: {}",
                  subscriber->peer.uid, subscriber->peer.pid, found.error().message);
    return;
  }
  const std::shared_ptr<const FiringLog::Page> page = std::move(*found);
  if (page->scanned_to <= subscriber->cursor) {
    // Recorded but not visible yet on this connection (its open group
    // began before the firing thread's commit): pump_all() after the commit.
    return;
  }
  if (page->first_scanned > subscriber->cursor + 1) {
    // Firing ids have no holes but those pruned from the log.
    const auto missed = page->first_scanned - subscriber->cursor - 1;
    nlohmann::json gap{{"jsonrpc", "2.0"},
                       {"method", core::protocol::reminder_gap},
                       {"params",
                        {{"after", subscriber->cursor},
                         {"resumes_after", page->first_scanned - 1},
                         {"missed", missed}}}};
    connection->notify(core::rpc::to_line(gap), static_cast<std::size_t>(-1));
    spdlog::warn("subscriber uid {} pid {} was {} firing(s) behind what the firing log keeps",
                 subscriber->peer.uid, subscriber->peer.pid, missed);
    subscriber->cursor = page->first_scanned - 1;
  }
  const auto now = m_clock();
  // The page's lines go out as one notification: one write to the client,
  // whatever the page holds (a system call per subscriber per page, which is
  // what 150 subscribers of one burst cost the loop).
  std::string lines;
  const auto backlog = connection->notification_backlog();
  bool full = false;
  // Recorded ahead of its second: not sent before that second (by its
  // fired_at; this also covers the moment between the take's commit and
  // prepare() reaching here), nor, once the held batch is known, before
  // advance() releases it (it may still be withdrawn at its second).
  std::int64_t limit = send_limit();
  for (const auto &firing : page->fired) {
    if (firing.firing_id > limit || firing.fired_at > now) {
      limit = std::min(limit, firing.firing_id - 1);
      break;
    }
    std::string shown_line;
    const std::string *line = nullptr;
    if (firing.firing_id <= subscriber->catch_up_to) {
      // Shown now: late by as long as it has been due.
      scheduler::Firing shown = firing;
      shown.lateness = std::max(core::Seconds{0}, now - firing.due);
      shown.late = true;
      shown_line = fired_notification_line(shown, true);
      line = &shown_line;
    } else {
      // A firing's live line is the same for every subscriber: formatted once.
      line = &live_line(firing);
    }
    const auto held = backlog + lines.size();
    if (held > 0 && held + line->size() > m_options.window) {
      // Full: the rest waits until the client has read what it holds.
      full = true;
      break;
    }
    lines += *line;
    subscriber->cursor = firing.firing_id;
  }
  subscriber->last_page_bytes = lines.size();
  if (!lines.empty()) {
    connection->notify(std::move(lines), static_cast<std::size_t>(-1));
  }
  if (full) {
    subscriber->waiting_for_room = true;
    return;
  }
  // Missed firings after the last one sent are passed over too (up to what
  // is released).
  subscriber->cursor = std::max(subscriber->cursor, std::min(page->scanned_to, limit));
  if (subscriber->cursor < m_latest) {
    pump_soon(subscriber); // more to send (advance() pumps again for newer)
  }
}

void SubscriberFeed::pump_soon(const std::shared_ptr<Subscriber> &subscriber) {
  if (subscriber->scheduled || subscriber->waiting_for_room) {
    return;
  }
  const auto connection = subscriber->connection.lock();
  if (!connection) {
    return;
  }
  subscriber->scheduled = true;
  const bool keeping_up = connection->unread_bytes() <= subscriber->last_page_bytes;
  (keeping_up ? m_keeping_up : m_lagging).push_back(subscriber);
  post_serve();
}

void SubscriberFeed::post_serve() {
  if (m_serve_posted || (m_keeping_up.empty() && m_lagging.empty())) {
    return;
  }
  m_serve_posted = true;
  boost::asio::post(m_executor, [alive = std::weak_ptr<SubscriberFeed *>(m_alive)] {
    if (const auto self = alive.lock()) {
      (*self)->serve();
    }
  });
}

void SubscriberFeed::serve() {
  m_serve_posted = false;
  // Those that keep up: up to k_keeping_up_per_turn of them, each one page,
  // those queued before this turn only (one queued again waits for the
  // next). Their page is mostly the one just read for the first of them,
  // so each costs a write; a turn of the loop each (150 readers of one
  // second's firings) made the last wait 150 turns.
  std::size_t served = 0;
  const bool had_keeping_up = !m_keeping_up.empty();
  for (auto waiting = m_keeping_up.size();
       waiting > 0 && served < k_keeping_up_per_turn && !m_keeping_up.empty(); --waiting) {
    const auto next = m_keeping_up.front().lock();
    m_keeping_up.pop_front();
    if (!next) {
      continue; // forgotten meanwhile
    }
    next->scheduled = false;
    pump(next); // may queue it again, behind the others of its kind
    ++served;
  }
  // Else one that lags: one page, then the loop's other work.
  while (served == 0 && !m_lagging.empty()) {
    const auto next = m_lagging.front().lock();
    m_lagging.pop_front();
    if (!next) {
      continue;
    }
    next->scheduled = false;
    pump(next);
    ++served;
  }
  if (had_keeping_up) {
    caught_up_if_so();
  }
  post_serve();
}

void SubscriberFeed::forget_closed() {
  std::erase_if(m_subscribers, [](const std::shared_ptr<Subscriber> &subscriber) {
    const auto connection = subscriber->connection.lock();
    return !connection || connection->closed();
  });
}

std::vector<SubscriberFeed::SubscriberState> SubscriberFeed::subscribers() {
  forget_closed();
  std::vector<SubscriberState> out;
  out.reserve(m_subscribers.size());
  for (const auto &subscriber : m_subscribers) {
    if (auto connection = subscriber->connection.lock()) {
      out.push_back({subscriber->peer, subscriber->cursor, connection->notification_backlog()});
    }
  }
  return out;
}

void SubscriberFeed::register_with(Dispatcher &dispatcher) {
  dispatcher.add(core::protocol::reminder_subscribe,
                 [this](const auto &params, const auto &context) {
                   return subscribe_method(params, context);
                 });
}

HandlerResult SubscriberFeed::subscribe_method(const nlohmann::json &params,
                                               const CallContext &context) {
  core::ParamReader reader(params);
  auto after = reader.optional_integer("after", 0, std::numeric_limits<std::int64_t>::max());
  if (!after) {
    return tl::unexpected(after.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  const auto connection = context.connection.lock();
  if (!connection) {
    return core::fail(core::ErrorCode::unavailable,
                      "reminder.subscribe needs a connection to push reminders to");
  }
  if (auto last = m_log.last_id(m_clock())) {
    m_latest = std::max(m_latest, *last);
  } else {
    return tl::unexpected(last.error());
  }
  forget_closed();
  std::shared_ptr<Subscriber> subscriber;
  for (const auto &known : m_subscribers) {
    if (known->connection.lock() == connection) {
      subscriber = known; // subscribing again moves the cursor
    }
  }
  if (!subscriber) {
    subscriber = std::make_shared<Subscriber>();
    subscriber->connection = connection;
    subscriber->peer = connection->peer();
    m_subscribers.push_back(subscriber);
  }
  // A cursor beyond the log (another database, or one recreated) starts at
  // its end, and the reply says where.
  subscriber->cursor = std::min(after->value_or(m_latest), m_latest);
  subscriber->catch_up_to = m_latest;
  connection->keep_alive();
  // What a subscriber that stops reading can hold in the kernel too: about
  // the window, not the default socket buffer (~200 KiB on Linux), so that
  // a crowd of them costs the loop a window's worth of lines each.
  connection->limit_send_buffer(m_options.window);
  connection->on_writable([alive = std::weak_ptr<SubscriberFeed *>(m_alive),
                           weak = std::weak_ptr<Subscriber>(subscriber)] {
    const auto self = alive.lock();
    const auto which = weak.lock();
    if (self && which) {
      // It has read everything it was sent: room for a window again.
      which->waiting_for_room = false;
      (*self)->pump_soon(which);
    }
  });
  spdlog::debug("uid {} pid {} subscribed to reminders after firing {} ({} subscriber(s))",
                subscriber->peer.uid, subscriber->peer.pid, subscriber->cursor,
                m_subscribers.size());
  nlohmann::json reply{{"subscribed", true}, {"cursor", subscriber->cursor}, {"latest", m_latest}};
  // The reply goes first; the catch-up follows it on the next turn.
  pump_soon(subscriber);
  return reply;
}

} // namespace summit::server
