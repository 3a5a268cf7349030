// A stand-in desktop notification server for the `summit watch --notify`
// end-to-end tests: owns org.freedesktop.Notifications on the session bus
// (DBUS_SESSION_BUS_ADDRESS), answers each Notify call with the next id (1,
// 2, ...) and appends its arguments to CALLS_FILE, one JSON object per line.
// Prints "ready" on stdout once it owns the name; runs until killed.
//
//   notification_recorder CALLS_FILE [--actions] [--invoke KEY [--when FILE]]
//                         [--impostor] [--mute]
//
// GetCapabilities answers ["body"], with --actions ["actions", "body"].
// --invoke KEY: once it has answered a Notify, the user "chooses" action KEY
// on it: ActionInvoked(id, KEY), then NotificationClosed(id, 2). Before that
// it sends ActionInvoked(id + 1000, KEY), for an id it never gave out, and
// with --impostor a second connection (not the name's owner) sends
// ActionInvoked(id, the other key: "done" for "snooze", else "snooze"),
// which the bus has handed on before the real one goes out. A watch that
// obeyed either would say so before it says what KEY did. --when FILE: not
// at once but as soon as FILE exists (a test removes the event first).
// --mute: records calls but never answers any, as a wedged server would.
#include <nlohmann/json.hpp>

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr const char *k_path = "/org/freedesktop/Notifications";
constexpr const char *k_interface = "org.freedesktop.Notifications";

struct Options {
  const char *calls_file = nullptr;
  bool actions = false;
  std::string invoke;      // empty: none
  std::string invoke_when; // empty: at once
  bool impostor = false;
  bool mute = false;
};

struct Server {
  Options options;
  sd_bus *impostor = nullptr; // a second connection, with --impostor
  std::uint32_t last_id = 0;
  std::vector<std::uint32_t> to_invoke; // waiting for --when's file
};

int fail(const char *what, int r) {
  std::fprintf(stderr, "notification_recorder: %s: %s\n", what, std::strerror(-r));
  return 1;
}

// With --impostor: the other key, from a connection that does not own the
// name; returns once the bus has handed it on (a round trip to the bus
// after it: the bus handles one connection's messages in order).
int send_impostor_signal(Server &server, std::uint32_t id) {
  const char *other = server.options.invoke == "snooze" ? "done" : "snooze";
  int r =
      sd_bus_emit_signal(server.impostor, k_path, k_interface, "ActionInvoked", "us", id, other);
  if (r < 0) {
    return r;
  }
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = nullptr;
  r = sd_bus_call_method(server.impostor, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "GetId", &error, &reply, "");
  sd_bus_error_free(&error);
  sd_bus_message_unref(reply);
  return r;
}

int invoke(Server &server, sd_bus *bus, std::uint32_t id) {
  if (server.options.impostor) {
    if (const int r = send_impostor_signal(server, id); r < 0) {
      return r;
    }
  }
  const char *key = server.options.invoke.c_str();
  int r = sd_bus_emit_signal(bus, k_path, k_interface, "ActionInvoked", "us", id + 1000, key);
  if (r >= 0) {
    r = sd_bus_emit_signal(bus, k_path, k_interface, "ActionInvoked", "us", id, key);
  }
  if (r >= 0) {
    r = sd_bus_emit_signal(bus, k_path, k_interface, "NotificationClosed", "uu", id,
                           std::uint32_t{2}); // 2: dismissed by the user
  }
  return r;
}

int on_get_capabilities(sd_bus_message *message, const Server &server) {
  sd_bus_message *reply = nullptr;
  int r = sd_bus_message_new_method_return(message, &reply);
  if (r >= 0) {
    r = server.options.actions ? sd_bus_message_append(reply, "as", 2, "actions", "body")
                               : sd_bus_message_append(reply, "as", 1, "body");
  }
  if (r >= 0) {
    r = sd_bus_send(nullptr, reply, nullptr);
  }
  sd_bus_message_unref(reply);
  return r < 0 ? r : 1;
}

int on_notify(sd_bus_message *message, Server &server) {
  const char *app_name = nullptr;
  std::uint32_t replaces_id = 0;
  const char *icon = nullptr;
  const char *summary = nullptr;
  const char *body = nullptr;
  int r = sd_bus_message_read(message, "susss", &app_name, &replaces_id, &icon, &summary, &body);
  nlohmann::json actions = nlohmann::json::array();
  if (r >= 0) {
    r = sd_bus_message_enter_container(message, 'a', "s");
  }
  while (r >= 0) {
    const char *action = nullptr;
    r = sd_bus_message_read(message, "s", &action);
    if (r <= 0) {
      break;
    }
    actions.push_back(action);
  }
  if (r >= 0) {
    r = sd_bus_message_exit_container(message);
  }
  if (r >= 0) {
    r = sd_bus_message_skip(message, "a{sv}");
  }
  std::int32_t timeout = 0;
  if (r >= 0) {
    r = sd_bus_message_read(message, "i", &timeout);
  }
  if (r < 0) {
    return r;
  }
  const std::uint32_t id = ++server.last_id;
  const nlohmann::json call{{"signature", sd_bus_message_get_signature(message, 1)},
                            {"app_name", app_name},
                            {"replaces_id", replaces_id},
                            {"app_icon", icon},
                            {"summary", summary},
                            {"body", body},
                            {"actions", actions},
                            {"expire_timeout", timeout},
                            {"id", id}};
  std::ofstream(server.options.calls_file, std::ios::app) << call.dump() << "\n" << std::flush;
  if (server.options.mute) {
    return 1; // handled: no reply, ever
  }
  r = sd_bus_reply_method_return(message, "u", id);
  if (r >= 0 && !server.options.invoke.empty()) {
    if (server.options.invoke_when.empty()) {
      r = invoke(server, sd_bus_message_get_bus(message), id);
    } else {
      server.to_invoke.push_back(id);
    }
  }
  return r < 0 ? r : 1;
}

int on_message(sd_bus_message *message, void *userdata, sd_bus_error * /*error*/) {
  auto &server = *static_cast<Server *>(userdata);
  if (sd_bus_message_is_method_call(message, k_interface, "Notify") > 0) {
    return on_notify(message, server);
  }
  if (sd_bus_message_is_method_call(message, k_interface, "GetCapabilities") > 0) {
    return server.options.mute ? 1 : on_get_capabilities(message, server);
  }
  return 0; // sd-bus answers anything else with UnknownMethod
}

bool parse(int argc, char **argv, Options &options) {
  if (argc < 2) {
    return false;
  }
  options.calls_file = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--actions") {
      options.actions = true;
    } else if (arg == "--impostor") {
      options.impostor = true;
    } else if (arg == "--mute") {
      options.mute = true;
    } else if (arg == "--invoke" && i + 1 < argc) {
      options.invoke = argv[++i];
    } else if (arg == "--when" && i + 1 < argc) {
      options.invoke_when = argv[++i];
    } else {
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Server server;
  if (!parse(argc, argv, server.options)) {
    std::fprintf(stderr, "usage: notification_recorder CALLS_FILE [--actions] [--invoke KEY "
                         "[--when FILE]] [--impostor] [--mute]\n");
    return 2;
  }
  sd_bus *bus = nullptr;
  if (const int r = sd_bus_open_user(&bus); r < 0) {
    return fail("sd_bus_open_user", r);
  }
  if (server.options.impostor) {
    if (const int r = sd_bus_open_user(&server.impostor); r < 0) {
      return fail("sd_bus_open_user (impostor)", r);
    }
  }
  if (const int r = sd_bus_add_object(bus, nullptr, k_path, on_message, &server); r < 0) {
    return fail("sd_bus_add_object", r);
  }
  if (const int r = sd_bus_request_name(bus, "org.freedesktop.Notifications", 0); r < 0) {
    return fail("sd_bus_request_name", r);
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    const int r = sd_bus_process(bus, nullptr);
    if (r < 0) {
      return fail("sd_bus_process", r);
    }
    if (r > 0) {
      continue;
    }
    if (!server.to_invoke.empty() && std::filesystem::exists(server.options.invoke_when)) {
      for (const std::uint32_t id : server.to_invoke) {
        if (const int i = invoke(server, bus, id); i < 0) {
          return fail("invoke", i);
        }
      }
      server.to_invoke.clear();
      continue;
    }
    // While an action waits for its file, look for it every 20 ms.
    const std::uint64_t wait_usec = server.to_invoke.empty() ? UINT64_MAX : 20'000;
    if (const int w = sd_bus_wait(bus, wait_usec); w < 0 && w != -EINTR) {
      return fail("sd_bus_wait", w);
    }
  }
}
