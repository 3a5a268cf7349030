#include "daemon/app/run.hpp"

#include "core/clock.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "daemon/app/config.hpp"
#include "daemon/app/fatal.hpp"
#include "daemon/app/logging.hpp"
#include "daemon/app/options.hpp"
#include "daemon/app/paths.hpp"
#include "daemon/app/service_manager.hpp"
#include "daemon/app/tzdata_check.hpp"
#include "daemon/notify/exec_channel.hpp"
#include "daemon/notify/log_channel.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/scheduler/wall_timer.hpp"
#include "daemon/server/calendar_handlers.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/reminder_handlers.hpp"
#include "daemon/server/server.hpp"
#include "daemon/server/status_handler.hpp"
#include "daemon/server/subscriber_channel.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <malloc.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

namespace summit::daemon {
namespace {

struct Settings {
  Mode mode = Mode::user;
  Config config;
  Paths paths;
};

Settings settle(const Options &options) {
  Settings settings;
  settings.mode = options.system ? Mode::system : Mode::user;
  const auto env = Environment::from_process();

  std::filesystem::path config_path;
  const bool explicit_config = options.config.has_value();
  if (explicit_config) {
    config_path = *options.config;
  } else {
    auto path = default_config_path(settings.mode, env);
    if (!path) {
      throw Fatal(path.error().message);
    }
    config_path = *path;
  }
  auto config = load_config(config_path, !explicit_config);
  if (!config) {
    throw Fatal(config.error().message);
  }
  settings.config = std::move(*config);

  auto paths = resolve_paths(settings.mode, options, settings.config, env);
  if (!paths) {
    throw Fatal(paths.error().message);
  }
  settings.paths = std::move(*paths);
  // Absolute, so that daemon.status and the logs say where things really are.
  std::error_code ignored;
  settings.paths.socket = std::filesystem::absolute(settings.paths.socket, ignored);
  settings.paths.database = std::filesystem::absolute(settings.paths.database, ignored);
  if (auto prepared = prepare_socket_dir(settings.paths, settings.mode, env.uid); !prepared) {
    throw Fatal(prepared.error().message);
  }
  return settings;
}

// The log channel, which also has the daemon refresh its STATUS= line after
// each firing (the next reminder moved on). Same name as LogChannel, so the
// outbox cannot tell them apart.
class LogAndRefresh final : public scheduler::Channel {
public:
  explicit LogAndRefresh(std::function<void()> refresh) : m_refresh(std::move(refresh)) {}
  std::string_view name() const override { return m_log.name(); }
  void deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) override {
    m_log.deliver(firing, std::move(on_delivered));
    m_refresh();
  }
  void flush() override { m_log.flush(); }

private:
  notify::LogChannel m_log;
  std::function<void()> m_refresh;
};

// Descriptors the daemon needs besides its clients: database and WAL,
// timers, signals, the listening socket, logs, hook pipes.
constexpr rlim_t k_reserved_descriptors = 64;

// Raises the soft RLIMIT_NOFILE as far as the hard one allows so that
// `wanted` clients fit, and returns how many clients really fit: past that
// the server refuses new connections politely instead of failing accept().
std::size_t connection_budget(std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return wanted;
  }
  const rlim_t needed = static_cast<rlim_t>(wanted) + k_reserved_descriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) {
    return wanted;
  }
  const auto fit = static_cast<std::size_t>(
      limit.rlim_cur > k_reserved_descriptors ? limit.rlim_cur - k_reserved_descriptors : 1);
  spdlog::warn("limits.max_connections is {} but the descriptor limit (RLIMIT_NOFILE, "
               "LimitNOFILE= in the unit) is {}: serving at most {} clients at once",
               wanted, static_cast<unsigned long long>(limit.rlim_cur), fit);
  return fit;
}

// The running daemon. Members are declared so that they are destroyed in a
// safe order: the io_context (and with it every session) before the
// dispatcher and handlers it calls, those before the store.
class Daemon {
public:
  explicit Daemon(Settings settings) : m_settings(std::move(settings)) {}

  void serve() {
    // Socket first: a second summitd must be refused before it touches the
    // database the first one is using.
    server::ServerOptions server_options;
    server_options.socket_path = m_settings.paths.socket;
    server_options.limits.max_line = m_settings.config.max_line;
    server_options.limits.idle_timeout = m_settings.config.idle_timeout;
    server_options.limits.request_timeout = m_settings.config.request_timeout;
    server_options.max_connections = connection_budget(m_settings.config.max_connections);
    server_options.max_connections_per_uid = m_settings.config.max_connections_per_uid;
    server_options.system_mode = m_settings.mode == Mode::system;
    if (m_service.listen_fds() == 1) {
      if (!m_service.is_listening_unix_stream(SD_LISTEN_FDS_START)) {
        throw Fatal(fmt::format("the socket passed by systemd (fd {}) is not a listening Unix "
                                "stream socket; check summitd.socket (ListenStream=)",
                                SD_LISTEN_FDS_START));
      }
      server_options.adopted_fd = SD_LISTEN_FDS_START;
    }
    const bool activated = server_options.adopted_fd.has_value();
    m_server = std::make_unique<server::Server>(m_io, m_dispatcher, server_options);
    if (auto listening = m_server->listen(); !listening) {
      throw Fatal(listening.error().message);
    }

    store::StoreOptions store_options;
    store_options.reminder_plan.morning_hour = m_settings.config.reminders.morning_hour;
    auto store = store::EventStore::open(m_settings.paths.database, store_options);
    if (!store) {
      throw Fatal(fmt::format("cannot open the database {}: {}", m_settings.paths.database.string(),
                              store.error().message));
    }
    m_store = std::move(*store);
    auto tzdata = reconcile_tzdata(*m_store, m_settings.config.tzdata_file);
    if (!tzdata) {
      throw Fatal(
          fmt::format("cannot update event times for the new tzdata: {}", tzdata.error().message));
    }
    m_gazetteer =
        core::ZoneGazetteer::load_system_on_demand(m_settings.config.zoneinfo_dir.string());
    start_scheduler();

    server::EventHandlerOptions event_options;
    event_options.default_reminders = m_settings.config.reminders.defaults;
    event_options.on_change = [this] { changed(); };
    m_events =
        std::make_unique<server::EventHandlers>(*m_store, &m_gazetteer, std::move(event_options));
    m_events->register_with(m_dispatcher);
    m_reminder_methods = std::make_unique<server::ReminderHandlers>(
        *m_store, *m_reminders, store_options.reminder_plan, [this] { changed(); });
    m_reminder_methods->register_with(m_dispatcher);
    m_subscribers->register_with(m_dispatcher);
    server::CalendarHandlerOptions calendar_options;
    calendar_options.on_change = [this] { changed(); };
    calendar_options.max_uploads_per_connection = m_settings.config.max_uploads_per_connection;
    calendar_options.max_staged_bytes_per_uid = m_settings.config.max_staged_bytes_per_uid;
    m_calendar = std::make_unique<server::CalendarHandlers>(*m_store, std::move(calendar_options));
    m_calendar->register_with(m_dispatcher);
    server::DaemonInfo info;
    info.socket = m_server->socket_path().string();
    info.database = m_settings.paths.database.string();
    info.mode = to_string(m_settings.mode);
    info.tzdata = *tzdata;
    info.started = core::system_now();
    m_status = std::make_unique<server::StatusHandler>(*m_store, std::move(info), m_reminders.get(),
                                                       m_settings.config.reminders.late_after);
    m_status->register_with(m_dispatcher);

    m_signals.async_wait([this](const boost::system::error_code &error, int signal) {
      if (error) {
        return;
      }
      spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      shutdown();
    });
    // Group commit: the writes of one turn of the loop share a transaction
    // and one fsync, committed by a handler posted behind them; their
    // replies are held until then (post_commit).
    m_store->enable_group_commit([this] { post_commit(m_store->writes(), 0); });
    m_dispatcher.set_commit_group(&m_commit_group);
    m_server->start();

    const auto status = status_line();
    spdlog::info("summitd {} ready ({} mode{}): {}, database {}", SUMMIT_VERSION,
                 to_string(m_settings.mode), activated ? ", socket-activated" : "", status,
                 m_settings.paths.database.string());
    // What start-up allocated and freed (the zone tables read for the
    // gazetteer, the migrations' text) goes back to the system.
    ::malloc_trim(0);
    m_service.notify("READY=1\nSTATUS=" + status);
    m_last_status = status;
    start_watchdog();

    m_io.run();
    // Writes still in a group are committed by the store's destructor;
    // their replies (and the sessions they keep) go now, while the loop the
    // sessions' sockets belong to still exists.
    if (m_store && m_store->group_open()) {
      commit_group();
    }
    m_dispatcher.release(core::Result<void>{});
    spdlog::info("summitd stopped");
  }

private:
  // The scheduler and its channels, started before READY=1 so that
  // reminders that fell due while we were down go out first.
  //
  // Channels: "log" always, "subscribers" always, "exec" only when
  // [[notify.exec]] commands are configured (no outbox rows for a channel
  // that does nothing). A delivery left pending for "exec" by a crash and
  // found after the commands were removed is dropped with a warning.
  void start_scheduler() {
    auto reminders = store::ReminderStore::open(*m_store);
    if (!reminders) {
      throw Fatal(fmt::format("cannot open the reminder schedule in {}: {}",
                              m_settings.paths.database.string(), reminders.error().message));
    }
    m_reminders = std::move(*reminders);
    const auto &config = m_settings.config;
    scheduler::SchedulerOptions options;
    options.grace = config.reminders.grace;
    options.late_after = config.reminders.late_after;
    // At most half a subscriber's queue per turn of the loop: a subscriber
    // that keeps reading then never loses a reminder to a burst (its queue
    // empties into the socket between turns).
    options.delivery_batch =
        std::clamp<std::size_t>(config.subscriber_queue / 2, 1, options.delivery_batch);
    m_scheduler = std::make_unique<scheduler::Scheduler>(
        m_io.get_executor(), *m_reminders, [] { return core::system_now(); },
        std::make_unique<scheduler::WallTimer>(m_io.get_executor()), options);
    m_scheduler->add_channel(std::make_shared<LogAndRefresh>([this] { refresh_status_soon(); }));
    m_subscribers = std::make_shared<server::SubscriberChannel>(config.subscriber_queue);
    m_scheduler->add_channel(m_subscribers);
    if (!config.exec_commands.empty()) {
      m_exec = std::make_shared<notify::ExecChannel>(m_io.get_executor(), config.exec_commands);
      m_scheduler->add_channel(m_exec);
    }
    m_scheduler->start();
  }

  // An event or a reminder changed: re-plan, then tell systemd. Once per
  // turn of the loop: a group of 1,000 adds re-plans once, after them.
  void changed() {
    if (!m_replan_posted) {
      m_replan_posted = true;
      boost::asio::post(m_io, [this] {
        m_replan_posted = false;
        if (m_scheduler) {
          m_scheduler->replan();
        }
      });
    }
    refresh_status_soon();
  }

  // Coalesced: 10,000 firings in one turn of the loop send one STATUS=, and
  // a busy daemon sends one at most every k_status_interval: the line counts
  // the events, a scan of the whole table (30 ms with 1M events). Nothing
  // at all when no service manager listens (no NOTIFY_SOCKET).
  static constexpr std::chrono::seconds k_status_interval{2};
  void refresh_status_soon() {
    if (m_status_posted || !m_scheduler || !m_service.notifies()) {
      return;
    }
    m_status_posted = true;
    const auto now = std::chrono::steady_clock::now();
    m_status_timer.expires_at(std::max(now, m_last_status_at + k_status_interval));
    m_status_timer.async_wait([this](const boost::system::error_code &error) {
      m_status_posted = false;
      if (error || !m_scheduler) {
        return;
      }
      m_last_status_at = std::chrono::steady_clock::now();
      auto status = status_line();
      if (status != m_last_status) {
        m_service.notify("STATUS=" + status);
        m_last_status = std::move(status);
      }
    });
  }

  // "serving 3 events on /run/summit/summitd.sock; next reminder 2025-09-25T07:00:00Z"
  std::string status_line() {
    const auto count = m_store->count();
    auto line = fmt::format("serving {} events on {}", count ? *count : 0,
                            m_server->socket_path().string());
    const auto next = m_scheduler ? m_scheduler->next_wake() : std::nullopt;
    if (next) {
      line += "; next reminder " + core::format_iso_utc(*next);
    } else {
      line += "; no reminder pending";
    }
    return line;
  }

  // The commit goes behind the work queued on the loop. While each pass
  // still brings new writes (clients pipelining, many clients at once), it
  // steps back once more so that the sockets already readable join the same
  // fsync, at most k_gather_passes times: latency stays bounded.
  static constexpr int k_gather_passes = 8;
  void post_commit(std::uint64_t writes_seen, int pass) {
    boost::asio::post(m_io, [this, writes_seen, pass] {
      const auto writes = m_store->writes();
      if (m_store->group_open() && writes != writes_seen && pass < k_gather_passes) {
        post_commit(writes, pass + 1);
        return;
      }
      commit_group();
    });
  }

  void commit_group() {
    auto committed = m_store->commit_group();
    if (!committed) {
      spdlog::error("{}; the writes of this turn were rolled back and their clients told",
                    committed.error().message);
    }
    m_dispatcher.release(committed);
  }

  void shutdown() {
    m_service.notify("STOPPING=1");
    m_watchdog.cancel();
    m_status_timer.cancel();
    m_signals.cancel();
    m_server->stop();
    if (m_exec) {
      m_exec->stop();
    }
    if (m_scheduler) {
      m_scheduler->stop();
      // Its timer keeps a wait on the loop; destroying it ends the wait and
      // records the completions in hand. Posted, so that completions already
      // queued on the loop are in hand by then (not delivered twice).
      boost::asio::post(m_io, [this] { m_scheduler.reset(); });
    }
  }

  void start_watchdog() {
    const std::uint64_t usec = m_service.watchdog_usec();
    if (usec == 0) {
      return;
    }
    m_watchdog_interval = std::chrono::microseconds(usec / 2);
    spdlog::debug(
        "systemd watchdog: pinging every {} ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(m_watchdog_interval).count());
    ping_watchdog();
  }

  // The ping comes from the loop itself: a stuck loop stops pinging and
  // systemd restarts us.
  void ping_watchdog() {
    m_service.notify("WATCHDOG=1");
    m_watchdog.expires_after(m_watchdog_interval);
    m_watchdog.async_wait([this](const boost::system::error_code &error) {
      if (error) {
        return;
      }
      ping_watchdog();
    });
  }

  // The store's group of writes, as the dispatcher sees it.
  class StoreGroup final : public server::CommitGroup {
  public:
    explicit StoreGroup(const std::unique_ptr<store::EventStore> &store) : m_store(store) {}
    bool open() const override { return m_store && m_store->group_open(); }
    std::uint64_t writes() const override { return m_store ? m_store->writes() : 0; }

  private:
    const std::unique_ptr<store::EventStore> &m_store;
  };

  Settings m_settings;
  ServiceManager m_service = ServiceManager::from_environment();
  std::unique_ptr<store::EventStore> m_store;
  StoreGroup m_commit_group{m_store};
  std::unique_ptr<store::ReminderStore> m_reminders;
  core::ZoneGazetteer m_gazetteer;
  std::shared_ptr<server::SubscriberChannel> m_subscribers;
  server::Dispatcher m_dispatcher{[] { return core::system_now(); }};
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::ReminderHandlers> m_reminder_methods;
  std::unique_ptr<server::CalendarHandlers> m_calendar;
  std::unique_ptr<server::StatusHandler> m_status;
  std::string m_last_status;
  bool m_status_posted = false;
  bool m_replan_posted = false;
  std::chrono::steady_clock::time_point m_last_status_at{};
  boost::asio::io_context m_io{1};
  boost::asio::signal_set m_signals{m_io, SIGTERM, SIGINT};
  boost::asio::steady_timer m_watchdog{m_io};
  boost::asio::steady_timer m_status_timer{m_io};
  std::chrono::microseconds m_watchdog_interval{0};
  std::unique_ptr<server::Server> m_server;
  // After the io_context: their descriptors must go before it does.
  std::shared_ptr<notify::ExecChannel> m_exec;
  std::unique_ptr<scheduler::Scheduler> m_scheduler;
};

} // namespace

int run(int argc, const char *const *argv) {
  // A burst of requests (a group of 1,000 adds and their held replies) grows
  // the heap by a few MB that are free again once it is answered. With
  // glibc's defaults (free memory past 128 kB at the top goes back at once)
  // every burst gave its pages back and faulted them in again: brk and page
  // faults were a tenth of an add's CPU. Up to 8 MB free now stay; idle,
  // summitd still holds no more than it did.
  ::mallopt(M_TOP_PAD, 1 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 8 << 20);
  auto parsed = parse_options(argc, argv);
  if (const auto *early = std::get_if<EarlyExit>(&parsed)) {
    return early->exit_code;
  }
  const auto &options = std::get<Options>(parsed);
  if (options.log_level && !is_log_level(*options.log_level)) {
    throw Fatal(fmt::format("--log-level: unknown level '{}' (use trace, debug, info, "
                            "warning, error, critical or off)",
                            *options.log_level),
                k_exit_usage);
  }
  setup_logging(options.log_level.value_or("info"));

  auto settings = settle(options);
  if (!options.log_level && settings.config.log_level) {
    set_log_level(*settings.config.log_level);
  }
  // A client that hangs up mid-reply must not kill us with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  Daemon daemon(std::move(settings));
  daemon.serve();
  return 0;
}

} // namespace summit::daemon
