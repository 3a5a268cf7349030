#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "daemon/scheduler/firing.hpp"
#include "daemon/server/dispatcher.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace summit::server {

// Where the feed reads firings: the outbox's firing log (the store's
// `firings` table, on the request side's own database connection).
class FiringLog {
public:
  virtual ~FiringLog() = default;

  struct Page {
    std::vector<scheduler::Firing> fired; // fired (not missed) firings, by id
    std::int64_t first_scanned = 0;       // the first id looked at; 0 when none
    std::int64_t scanned_to = 0; // the last id looked at (missed ones too); `after` when none
    std::size_t scanned = 0;     // rows looked at (missed ones too)
  };
  // Firings with an id above `after`, in id order, at most `limit` looked at.
  virtual core::Result<Page> after(std::int64_t after, std::size_t limit) = 0;
  // The highest firing id that may be shown at `now` (0 when none): every
  // firing at or below it was released (fired_at <= now); those recorded
  // ahead of a second still to come (the scheduler's take_ahead) are the
  // newest of the log and stay above it.
  virtual core::Result<std::int64_t> last_id(core::SysSeconds now) = 0;
};

struct FeedOptions {
  // Notification bytes one subscriber may have queued in the daemon and not
  // yet read: what a subscriber that stops reading costs (one line larger
  // than this still goes out alone).
  std::size_t window = 64 * 1024;
  // Firings read from the log per query.
  std::size_t page = 32;
  // A firing sent as it fires is marked late past this (reminders.late_after;
  // the log keeps its lateness, not the mark). One sent as catch-up always is.
  core::Seconds late_after{60};
};

// The reminder feed of `reminder.subscribe` (docs/PROTOCOL.md): each
// subscriber reads the firing log by cursor, so the log, not memory, is the
// queue. A subscriber that reads receives every firing, in order, however
// large the burst; one that stops reading holds at most `window` bytes of
// queued lines here, and is sent more only as it reads. A subscriber that
// comes back with the cursor it had (`after`) first receives every firing it
// has not seen, each marked `catch_up` and late by how long ago it fell due;
// one further behind than the log keeps (pruned firings) is sent a
// `reminder.gap` saying how many it missed.
//
// The firing thread records firings and posts `advance()`; everything here
// runs on the request side's loop (single-threaded), and reads the log on its
// connection. Holds weak_ptrs to connections: a closed one drops out.
class SubscriberFeed {
public:
  // `executor` is the request side's loop (the sessions' own).
  SubscriberFeed(boost::asio::any_io_executor executor, FiringLog &log, core::Clock clock,
                 FeedOptions options = {});
  ~SubscriberFeed();
  SubscriberFeed(const SubscriberFeed &) = delete;
  SubscriberFeed &operator=(const SubscriberFeed &) = delete;

  // Firings up to `last_id` are released (their second has come): sends
  // each subscriber what it has room for. Nothing above the highest id
  // advanced to is ever sent.
  void advance(std::int64_t last_id);
  // Firings up to `recorded_to` are recorded ahead of their second and will
  // be released by advance() at it: reads them and formats their lines now,
  // a page per turn of the loop, so that at the second only the writes are
  // left. Sends nothing.
  void prepare(std::int64_t first_id, std::int64_t recorded_to);
  // The firings from `first_id` on were withdrawn before their second (their
  // ids will be used again): forgets what was read and formatted of them.
  void withdraw(std::int64_t first_id);
  // Sends each subscriber what it has room for and can see (after a commit
  // on the request side's connection, whose open transaction may have hidden
  // the newest firings).
  void pump_all();
  // A page is queued for a subscriber that keeps up: long work on the loop
  // (an import's chunks) waits until it is sent.
  bool serving_keeping_up() const { return !m_keeping_up.empty(); }
  // Called whenever the subscribers that keep up have been sent all they
  // can see (after advance() when none is waiting, or the turn that served
  // the last of them). Loop only.
  void on_caught_up(std::function<void()> callback) { m_on_caught_up = std::move(callback); }

  // Registers reminder.subscribe {after?}: marks the calling connection a
  // subscriber from firing `after` on (default: the latest, so only new
  // firings); result {"subscribed": true, "cursor": C, "latest": L}.
  void register_with(Dispatcher &dispatcher);
  HandlerResult subscribe_method(const nlohmann::json &params, const CallContext &context);

  struct SubscriberState {
    Peer peer;
    std::int64_t cursor = 0;      // the last firing id sent
    std::size_t queued_bytes = 0; // notification bytes not yet read by the client
  };
  // Live subscribers (closed ones are forgotten here).
  std::vector<SubscriberState> subscribers();
  // The highest firing id the feed knows of.
  std::int64_t latest() const { return m_latest; }

private:
  struct Subscriber;
  // Sends the subscriber at most one page of the log, then posts itself
  // again while there is more and room for it.
  void pump(const std::shared_ptr<Subscriber> &subscriber);
  // Queues a pump: with those that keep up (nothing of theirs unread but
  // the last page sent, Connection::unread_bytes) when it does, else with
  // those that lag.
  // At most once per subscriber.
  void pump_soon(const std::shared_ptr<Subscriber> &subscriber);
  void forget_closed();
  // The notification line of a firing sent as it fires (not catch-up),
  // formatted once for every subscriber; the newest k_live_lines_kept kept.
  const std::string &live_line(const scheduler::Firing &firing);
  static constexpr std::size_t k_live_lines_kept = 2048;
  // One page of prepare(): reads and formats, then posts itself again.
  void prepare_step();
  std::int64_t m_prepared = 0; // the highest firing id known recorded
  // The first firing of the batch held for its second (0: none): nothing
  // from it on is sent until advance() passes it. Firings recorded and not
  // yet advanced below it (a burst's) are sent as they are read.
  std::int64_t m_hold_from = 0;
  std::int64_t send_limit() const {
    return m_hold_from > m_latest ? m_hold_from - 1 : std::numeric_limits<std::int64_t>::max();
  }
  std::int64_t m_prepare_from = 0; // prepare_step's cursor
  bool m_prepare_posted = false;
  // The page of the log after `after`: read once for every subscriber at
  // that cursor (150 subscribers at the same place made 150 queries of the
  // same rows, each turn of the loop). A full page is kept as it is
  // (firings are only appended, so it never changes); a shorter one, the
  // newest firings of the second that just fell due, for as long as no
  // newer firing is known (until the next advance()). The newest
  // k_pages_kept of them.
  core::Result<std::shared_ptr<const FiringLog::Page>> page_after(std::int64_t after);
  static constexpr std::size_t k_pages_kept = 64;

  boost::asio::any_io_executor m_executor;
  FiringLog &m_log;
  core::Clock m_clock;
  FeedOptions m_options;
  std::int64_t m_latest = 0;
  std::vector<std::shared_ptr<Subscriber>> m_subscribers;
  std::map<std::int64_t, std::string> m_live_lines;                       // by firing id
  std::map<std::int64_t, std::shared_ptr<const FiringLog::Page>> m_pages; // by `after`
  // Pumps waiting: one page each per turn of the loop, those that keep up
  // before those that lag, so that a subscriber that reads is not queued
  // behind a crowd that does not (150 of them made it wait a round of 150
  // pages for every page of its own).
  std::deque<std::weak_ptr<Subscriber>> m_keeping_up;
  std::deque<std::weak_ptr<Subscriber>> m_lagging;
  bool m_serve_posted = false;
  std::function<void()> m_on_caught_up;
  void caught_up_if_so();
  // Pumps from the queues (up to k_keeping_up_per_turn of those that keep
  // up, else one that lags), then itself again behind whatever else the
  // loop has waiting.
  void serve();
  static constexpr std::size_t k_keeping_up_per_turn = 16;
  // Posts serve() while pumps wait (once however often it is asked).
  void post_serve();
  // Connections' callbacks hold a weak_ptr to this: once the feed is gone
  // they do nothing.
  std::shared_ptr<SubscriberFeed *> m_alive;
};

// The reminder.fired notification for a firing, as one wire line:
// {"jsonrpc":"2.0","method":"reminder.fired","params":{...}} (docs/PROTOCOL.md).
// `catch_up`: sent to a subscriber that came back after it fired.
nlohmann::json fired_params(const scheduler::Firing &firing, bool catch_up = false);
std::string fired_notification_line(const scheduler::Firing &firing, bool catch_up = false);

} // namespace summit::server
