#include "daemon/app/run.hpp"

#include "core/clock.hpp"
#include "core/zones.hpp"
#include "daemon/app/config.hpp"
#include "daemon/app/fatal.hpp"
#include "daemon/app/logging.hpp"
#include "daemon/app/options.hpp"
#include "daemon/app/paths.hpp"
#include "daemon/app/tzdata_check.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/server.hpp"
#include "daemon/server/status_handler.hpp"
#include "daemon/store/event_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <csignal>
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
    server_options.max_line = m_settings.config.max_line;
    server_options.system_mode = m_settings.mode == Mode::system;
    if (sd_listen_fds(1) == 1) {
      server_options.adopted_fd = SD_LISTEN_FDS_START;
    }
    const bool activated = server_options.adopted_fd.has_value();
    m_server = std::make_unique<server::Server>(m_io, m_dispatcher, server_options);
    if (auto listening = m_server->listen(); !listening) {
      throw Fatal(listening.error().message);
    }

    auto store = store::EventStore::open(m_settings.paths.database);
    if (!store) {
      throw Fatal(fmt::format("cannot open the database {}: {}",
                              m_settings.paths.database.string(), store.error().message));
    }
    m_store = std::move(*store);
    auto tzdata = reconcile_tzdata(*m_store, m_settings.config.tzdata_file);
    if (!tzdata) {
      throw Fatal(fmt::format("cannot update event times for the new tzdata: {}",
                              tzdata.error().message));
    }
    m_gazetteer = core::ZoneGazetteer::load_system(m_settings.config.zoneinfo_dir.string());

    m_events = std::make_unique<server::EventHandlers>(*m_store, &m_gazetteer);
    m_events->register_with(m_dispatcher);
    server::DaemonInfo info;
    info.socket = m_server->socket_path().string();
    info.database = m_settings.paths.database.string();
    info.mode = to_string(m_settings.mode);
    info.tzdata = *tzdata;
    info.started = core::system_now();
    m_status = std::make_unique<server::StatusHandler>(*m_store, std::move(info));
    m_status->register_with(m_dispatcher);

    m_signals.async_wait([this](const boost::system::error_code &error, int signal) {
      if (error) {
        return;
      }
      spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      shutdown();
    });
    m_server->start();

    const auto count = m_store->count();
    const auto status = fmt::format("serving {} events on {}", count ? *count : 0,
                                    m_server->socket_path().string());
    spdlog::info("summitd {} ready ({} mode{}): {}, database {}", SUMMIT_VERSION,
                 to_string(m_settings.mode), activated ? ", socket-activated" : "", status,
                 m_settings.paths.database.string());
    sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
    start_watchdog();

    m_io.run();
    spdlog::info("summitd stopped");
  }

private:
  void shutdown() {
    sd_notify(0, "STOPPING=1");
    m_watchdog.cancel();
    m_signals.cancel();
    m_server->stop();
  }

  void start_watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
      return;
    }
    m_watchdog_interval = std::chrono::microseconds(usec / 2);
    spdlog::debug("systemd watchdog: pinging every {} ms",
                  std::chrono::duration_cast<std::chrono::milliseconds>(m_watchdog_interval)
                      .count());
    ping_watchdog();
  }

  // The ping comes from the loop itself: a stuck loop stops pinging and
  // systemd restarts us.
  void ping_watchdog() {
    sd_notify(0, "WATCHDOG=1");
    m_watchdog.expires_after(m_watchdog_interval);
    m_watchdog.async_wait([this](const boost::system::error_code &error) {
      if (error) {
        return;
      }
      ping_watchdog();
    });
  }

  Settings m_settings;
  std::unique_ptr<store::EventStore> m_store;
  core::ZoneGazetteer m_gazetteer;
  server::Dispatcher m_dispatcher{[] { return core::system_now(); }};
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::StatusHandler> m_status;
  boost::asio::io_context m_io{1};
  boost::asio::signal_set m_signals{m_io, SIGTERM, SIGINT};
  boost::asio::steady_timer m_watchdog{m_io};
  std::chrono::microseconds m_watchdog_interval{0};
  std::unique_ptr<server::Server> m_server;
};

} // namespace

int run(int argc, const char *const *argv) {
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
