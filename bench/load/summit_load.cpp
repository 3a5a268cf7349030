// summit-load: drives a running summitd over its Unix socket and reports
// throughput and per-request latency (docs/PROTOCOL.md, issue 6).
//
//   summit-load --socket PATH --connections N --requests M --pipeline K
//               --method event.add|event.list|daemon.status [--params JSON]
//
// N connections each send M requests, with up to K in flight on each
// (pipelined: one JSON object per line, replies come back in order per
// connection). --pipeline 1 is plain request/response. Latency is measured
// per request from the moment its line is handed to the socket to the moment
// its reply line has been read, so with K > 1 it includes the time a request
// waits behind the others of its connection.
//
// It speaks only the wire protocol and links no summit library, so it can be
// pointed at any summitd (or anything else speaking the same protocol).

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace summit::bench {
namespace {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr int k_exit_usage = 2;
constexpr int k_exit_unreachable = 3;

struct Options {
  std::string socket;
  int connections = 1;
  std::int64_t requests = 1000; // per connection
  int pipeline = 1;
  std::string method = "daemon.status";
  json params; // null: none given
  double time_limit_seconds = 120;
  double wait_seconds = 0; // keep trying to connect this long (a daemon starting up)
  int threads = 1;
  int start_year = 2027;
  bool json_output = false;
  bool validate = false;
  std::int64_t subscribe = 0; // > 0: subscriber mode, expecting this many reminder.fired
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::string_view k_usage = R"(usage: summit-load --socket PATH [options]

  --socket PATH        summitd's Unix socket (required)
  --connections N      concurrent connections (default 1)
  --requests M         requests per connection (default 1000)
  --pipeline K         requests in flight per connection (default 1: request/response)
  --method NAME        event.add, event.list, daemon.status or any other method
                       (default daemon.status)
  --params JSON        params object. For event.add it is merged into the
                       generated params: each request gets a unique title
                       (params.title, default "load", plus " <pid> c<conn> r<n>"),
                       a start spread over a year (unless params.start is given)
                       and tz Europe/Minsk (unless params.tz is given)
  --start-year Y       the year event.add starts are spread over (default 2027)
  --threads T          I/O threads in this process (default 1)
  --time-limit SEC     stop and report whatever was answered after SEC seconds
                       (default 120)
  --wait SEC           retry connecting every millisecond for up to SEC seconds
                       (measures start-up: spawn summitd, then
                       summit-load --wait 60 --requests 1)
  --subscribe N        subscriber mode: send reminder.subscribe and measure the
                       lateness of the next N reminder.fired notifications
                       (arrival here, system clock, minus "due"); stops after
                       N or --time-limit
  --validate           parse every reply and check its id (slower client)
  --json               print one JSON object instead of the text report

exit status: 0 every request answered with a result; 1 some error replies or
unanswered requests; 2 usage error; 3 the socket could not be reached
)";

std::int64_t to_int(std::string_view flag, std::string_view text, std::int64_t min) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    throw UsageError(std::string(flag) + " takes an integer of at least " + std::to_string(min) +
                     ", not '" + std::string(text) + "'");
  }
  return value;
}

Options parse_options(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << k_usage;
      std::exit(0);
    }
    if (flag == "--json") {
      options.json_output = true;
      continue;
    }
    if (flag == "--validate") {
      options.validate = true;
      continue;
    }
    if (i + 1 >= argc) {
      throw UsageError(std::string(flag) + " needs a value (or is unknown)");
    }
    const std::string_view value = argv[++i];
    if (flag == "--socket") {
      options.socket = value;
    } else if (flag == "--connections") {
      options.connections = static_cast<int>(to_int(flag, value, 1));
    } else if (flag == "--requests") {
      options.requests = to_int(flag, value, 1);
    } else if (flag == "--pipeline") {
      options.pipeline = static_cast<int>(to_int(flag, value, 1));
    } else if (flag == "--method") {
      options.method = value;
    } else if (flag == "--params") {
      try {
        options.params = json::parse(value);
      } catch (const json::parse_error &e) {
        throw UsageError(std::string("--params is not valid JSON: ") + e.what());
      }
      if (!options.params.is_object()) {
        throw UsageError("--params must be a JSON object");
      }
    } else if (flag == "--start-year") {
      options.start_year = static_cast<int>(to_int(flag, value, 1971));
    } else if (flag == "--threads") {
      options.threads = static_cast<int>(to_int(flag, value, 1));
    } else if (flag == "--subscribe") {
      options.subscribe = to_int(flag, value, 1);
    } else if (flag == "--wait") {
      options.wait_seconds = static_cast<double>(to_int(flag, value, 0));
    } else if (flag == "--time-limit") {
      options.time_limit_seconds = static_cast<double>(to_int(flag, value, 1));
    } else {
      throw UsageError("unknown option " + std::string(flag));
    }
  }
  if (options.socket.empty()) {
    throw UsageError("--socket PATH is required");
  }
  return options;
}

// Howard Hinnant's days_from_civil inverse: the date `days` after 1970-01-01.
void civil_from_days(std::int64_t days, int &year, unsigned &month, unsigned &day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400) + (month <= 2 ? 1 : 0);
}

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Builds request lines without a JSON library on the hot path: the constant
// parts are serialised once, the varying ones (id, title, start) appended.
class RequestMaker {
public:
  explicit RequestMaker(const Options &options)
      : m_add(options.method == "event.add"), m_requests(options.requests),
        m_first_day(days_from_civil(options.start_year, 1, 1)) {
    m_head = R"({"jsonrpc":"2.0","method":)" + json(options.method).dump() + R"(,"id":)";
    json params = options.params.is_null() ? json::object() : options.params;
    if (!m_add) {
      m_tail = options.params.is_null() ? "}\n" : R"(,"params":)" + params.dump() + "}\n";
      return;
    }
    std::string title = "load";
    if (params.contains("title") && params["title"].is_string()) {
      title = params["title"].get<std::string>();
    }
    params.erase("title");
    title += " " + std::to_string(::getpid());
    m_title = json(title).dump();
    m_title.pop_back(); // reopen the string: " c<conn> r<n>" follows
    m_generate_start = !params.contains("start");
    if (!params.contains("tz")) {
      params["tz"] = "Europe/Minsk";
    }
    for (const auto &[key, value] : params.items()) {
      m_tail += "," + json(key).dump() + ":" + value.dump();
    }
    m_tail += "}}\n";
  }

  // Appends the line of request `index` (0-based) of connection `connection`.
  // Its id is index + 1.
  void append(std::string &out, int connection, std::int64_t index) const {
    out += m_head;
    append_int(out, index + 1);
    if (!m_add) {
      out += m_tail;
      return;
    }
    out += R"(,"params":{"title":)";
    out += m_title;
    out += " c";
    append_int(out, connection);
    out += " r";
    append_int(out, index);
    out += '"';
    if (m_generate_start) {
      out += R"(,"start":")";
      append_start(out, static_cast<std::int64_t>(connection) * m_requests + index);
      out += '"';
    }
    out += m_tail;
  }

private:
  // `seq` is the request's position among all requests of the run; its wall
  // time is minute (seq * 7919) mod 525600 of the year. 7919 is prime
  // and shares no factor with 525600 (= 2^5 3^2 5^2 73), so consecutive
  // sequence numbers visit every minute once before repeating.
  void append_start(std::string &out, std::int64_t seq) const {
    constexpr std::int64_t k_minutes_per_year = 365 * 24 * 60;
    const std::int64_t minute = (seq % k_minutes_per_year) * 7919 % k_minutes_per_year;
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    civil_from_days(m_first_day + minute / (24 * 60), year, month, day);
    const auto in_day = static_cast<unsigned>(minute % (24 * 60));
    char text[32];
    const int n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02u:%02u", year, month, day,
                                in_day / 60, in_day % 60);
    out.append(text, static_cast<std::size_t>(n));
  }

  static void append_int(std::string &out, std::int64_t value) {
    char text[24];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    out.append(text, end);
  }

  bool m_add;
  std::int64_t m_requests;
  std::int64_t m_first_day;
  bool m_generate_start = false;
  std::string m_head;
  std::string m_title;
  std::string m_tail;
};

// One client connection: keeps up to K requests in flight, one write at a
// time (all requests the window allows go out in one write), and reads reply
// lines as they come. Runs on its own strand so --threads > 1 is safe.
class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(asio::io_context &io, const Options &options, const RequestMaker &maker, int index,
             std::function<void()> on_finished)
      : m_socket(asio::make_strand(io)), m_options(options), m_maker(maker), m_index(index),
        m_on_finished(std::move(on_finished)), m_in(64 * 1024) {
    m_latencies_ns.reserve(static_cast<std::size_t>(options.requests));
  }

  // Connects synchronously (before the clock starts), retrying every
  // millisecond until `deadline`; the error if it still fails.
  std::optional<std::string> connect(Clock::time_point deadline) {
    while (true) {
      boost::system::error_code ec;
      m_socket.connect(Local::endpoint(m_options.socket), ec);
      if (!ec) {
        return std::nullopt;
      }
      if (Clock::now() >= deadline) {
        return ec.message();
      }
      m_socket.close(ec);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void start() {
    asio::dispatch(m_socket.get_executor(), [self = shared_from_this()] {
      self->pump();
      self->read();
    });
  }

  // Closes the connection (time limit): what is unanswered stays unanswered.
  void stop() {
    asio::dispatch(m_socket.get_executor(), [self = shared_from_this()] { self->finish(); });
  }

  const std::vector<std::int64_t> &latencies_ns() const { return m_latencies_ns; }
  std::int64_t sent() const { return m_sent; }
  std::int64_t received() const { return m_received; }
  std::int64_t error_replies() const { return m_error_replies; }
  const std::string &first_error() const { return m_first_error; }
  const std::string &transport_error() const { return m_transport_error; }

private:
  void pump() {
    if (m_writing || m_done) {
      return;
    }
    m_out.clear();
    const auto now = Clock::now();
    while (m_sent < m_options.requests && m_sent - m_received < m_options.pipeline) {
      m_maker.append(m_out, m_index, m_sent);
      m_sent_at.push_back(now);
      ++m_sent;
    }
    if (m_out.empty()) {
      return;
    }
    m_writing = true;
    asio::async_write(m_socket, asio::buffer(m_out),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->m_writing = false;
                        if (ec) {
                          self->fail("write", ec);
                          return;
                        }
                        self->pump();
                      });
  }

  void read() {
    if (m_done) {
      return;
    }
    if (m_in_used == m_in.size()) {
      m_in.resize(m_in.size() * 2); // a reply longer than the buffer
    }
    m_socket.async_read_some(
        asio::buffer(m_in.data() + m_in_used, m_in.size() - m_in_used),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec) {
            self->fail("read", ec);
            return;
          }
          self->on_bytes(n);
        });
  }

  void on_bytes(std::size_t n) {
    const auto now = Clock::now();
    const std::size_t scanned = m_in_used;
    m_in_used += n;
    std::size_t line_start = 0;
    const char *data = m_in.data();
    for (std::size_t i = scanned; i < m_in_used; ++i) {
      if (data[i] != '\n') {
        continue;
      }
      on_line(std::string_view(data + line_start, i - line_start), now);
      line_start = i + 1;
    }
    if (line_start > 0) {
      std::memmove(m_in.data(), m_in.data() + line_start, m_in_used - line_start);
      m_in_used -= line_start;
    }
    if (m_received >= m_options.requests) {
      finish();
      return;
    }
    pump();
    read();
  }

  void on_line(std::string_view line, Clock::time_point now) {
    if (m_sent_at.empty()) {
      note_error(line, "a reply to no request"); // a notification, or a bug
      return;
    }
    m_latencies_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - m_sent_at.front()).count());
    m_sent_at.pop_front();
    const std::int64_t expected_id = m_received + 1;
    ++m_received;
    if (!m_options.validate) {
      // summitd serialises with sorted keys, so "error" always comes first
      // in an error reply; this keeps the client cheap on a shared machine.
      if (line.starts_with(R"({"error":)")) {
        ++m_error_replies;
        note_error(line, "");
      }
      return;
    }
    try {
      const json reply = json::parse(line);
      if (reply.contains("error") || !reply.contains("result")) {
        ++m_error_replies;
        note_error(line, "");
      } else if (reply.value("id", json()) != json(expected_id)) {
        ++m_error_replies;
        note_error(line, "id " + reply.value("id", json()).dump() + " where " +
                             std::to_string(expected_id) + " was expected");
      }
    } catch (const json::parse_error &) {
      ++m_error_replies;
      note_error(line, "not JSON");
    }
  }

  void note_error(std::string_view line, const std::string &why) {
    if (m_first_error.empty()) {
      m_first_error = std::string(line.substr(0, 400));
      if (!why.empty()) {
        m_first_error += " (" + why + ")";
      }
    }
  }

  void fail(const char *what, boost::system::error_code ec) {
    if (!m_done && m_transport_error.empty() && ec != asio::error::operation_aborted) {
      m_transport_error = std::string(what) + ": " + ec.message();
    }
    finish();
  }

  void finish() {
    if (m_done) {
      return;
    }
    m_done = true;
    boost::system::error_code ignored;
    m_socket.shutdown(Local::socket::shutdown_both, ignored);
    m_socket.close(ignored);
    m_on_finished();
  }

  Local::socket m_socket;
  const Options &m_options;
  const RequestMaker &m_maker;
  int m_index;
  std::function<void()> m_on_finished;
  std::string m_out;
  bool m_writing = false;
  bool m_done = false;
  std::int64_t m_sent = 0;
  std::int64_t m_received = 0;
  std::int64_t m_error_replies = 0;
  std::deque<Clock::time_point> m_sent_at;
  std::vector<char> m_in;
  std::size_t m_in_used = 0;
  std::vector<std::int64_t> m_latencies_ns;
  std::string m_first_error;
  std::string m_transport_error;
};

struct Report {
  std::int64_t sent = 0;
  std::int64_t replies = 0;
  std::int64_t error_replies = 0;
  std::int64_t unanswered = 0;
  double seconds = 0;
  double per_second = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double max_us = 0;
  double mean_us = 0;
  bool timed_out = false;
  std::string first_error;
  std::string transport_error;
};

double percentile_us(std::vector<std::int64_t> &sorted, double fraction) {
  if (sorted.empty()) {
    return 0;
  }
  // Nearest rank: the smallest value with at least `fraction` of all at or below it.
  const auto rank = static_cast<std::size_t>(
      std::max(1.0, std::ceil(fraction * static_cast<double>(sorted.size()))));
  return static_cast<double>(sorted[rank - 1]) / 1000.0;
}

// Parses the "due" instant of a notification ("2026-11-28T01:25:53Z").
std::optional<std::chrono::system_clock::time_point> parse_due(const std::string &text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%uT%u:%u:%uZ", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    return std::nullopt;
  }
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// Subscriber mode: how late reminder.fired notifications arrive. Lateness is
// measured here, on arrival (system clock), against the reminder's "due", so
// it includes the daemon's timer, its delivery and the socket.
int run_subscriber(const Options &options) {
  asio::io_context io;
  Local::socket socket(io);
  const auto deadline_connect =
      Clock::now() +
      std::chrono::milliseconds(static_cast<std::int64_t>(options.wait_seconds * 1000));
  while (true) {
    boost::system::error_code ec;
    socket.connect(Local::endpoint(options.socket), ec);
    if (!ec) {
      break;
    }
    if (Clock::now() >= deadline_connect) {
      std::cerr << "summit-load: cannot connect to " << options.socket << ": " << ec.message()
                << "\n";
      return k_exit_unreachable;
    }
    socket.close(ec);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string request = R"({"jsonrpc":"2.0","id":1,"method":"reminder.subscribe"})"
                              "\n";
  asio::write(socket, asio::buffer(request));
  // Ready for the caller: it may now add the reminders.
  std::fprintf(stderr, "summit-load: subscribed\n");

  const auto deadline =
      Clock::now() +
      std::chrono::milliseconds(static_cast<std::int64_t>(options.time_limit_seconds * 1000));
  std::vector<std::int64_t> lateness_us;
  std::int64_t redeliveries = 0;
  std::int64_t bad = 0;
  std::string buffer;
  std::array<char, 65536> chunk{};
  bool timed_out = false;
  while (static_cast<std::int64_t>(lateness_us.size()) < options.subscribe) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fd{socket.native_handle(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000))) <= 0) {
      continue;
    }
    boost::system::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    const auto arrived = std::chrono::system_clock::now();
    if (ec) {
      std::cerr << "summit-load: the daemon closed the connection: " << ec.message() << "\n";
      break;
    }
    buffer.append(chunk.data(), n);
    std::size_t start = 0;
    for (std::size_t end = buffer.find('\n'); end != std::string::npos;
         end = buffer.find('\n', start)) {
      const std::string_view line(buffer.data() + start, end - start);
      start = end + 1;
      if (line.find(R"("method":"reminder.fired")") == std::string_view::npos) {
        continue; // the subscribe reply
      }
      try {
        const json message = json::parse(line);
        const auto due = parse_due(message.at("params").at("due").get<std::string>());
        if (!due) {
          ++bad;
          continue;
        }
        if (message["params"].value("redelivery", false)) {
          ++redeliveries;
        }
        lateness_us.push_back(
            std::chrono::duration_cast<std::chrono::microseconds>(arrived - *due).count());
      } catch (const json::exception &) {
        ++bad;
      }
    }
    buffer.erase(0, start);
  }
  std::vector<std::int64_t> sorted_ns;
  sorted_ns.reserve(lateness_us.size());
  for (const auto us : lateness_us) {
    sorted_ns.push_back(us * 1000);
  }
  std::sort(sorted_ns.begin(), sorted_ns.end());
  const double p50 = percentile_us(sorted_ns, 0.50);
  const double p99 = percentile_us(sorted_ns, 0.99);
  const double max = sorted_ns.empty() ? 0 : static_cast<double>(sorted_ns.back()) / 1000.0;
  const double min = sorted_ns.empty() ? 0 : static_cast<double>(sorted_ns.front()) / 1000.0;
  const auto received = static_cast<std::int64_t>(lateness_us.size());
  if (options.json_output) {
    std::cout << json{{"expected", options.subscribe}, {"received", received},
                      {"redeliveries", redeliveries},  {"unreadable", bad},
                      {"timed_out", timed_out},        {"min_lateness_us", min},
                      {"p50_lateness_us", p50},        {"p99_lateness_us", p99},
                      {"max_lateness_us", max}}
                     .dump()
              << "\n";
  } else {
    std::printf("summit-load: %lld of %lld reminder.fired received%s\n",
                static_cast<long long>(received), static_cast<long long>(options.subscribe),
                timed_out ? " (stopped by --time-limit)" : "");
    std::printf("  lateness  min %.1f us  p50 %.1f us  p99 %.1f us  max %.1f us (arrival - due)\n",
                min, p50, p99, max);
    std::printf("  %lld redeliveries, %lld unreadable\n", static_cast<long long>(redeliveries),
                static_cast<long long>(bad));
  }
  return received == options.subscribe && bad == 0 ? 0 : 1;
}

int run(const Options &options) {
  asio::io_context io;
  const RequestMaker maker(options);
  // The time limit runs on its own strand: connections finishing on other
  // threads cancel it through that strand once the last one is done.
  asio::steady_timer limit(asio::make_strand(io));
  std::atomic<int> running = options.connections;
  auto on_finished = [&] {
    if (--running == 0) {
      asio::post(limit.get_executor(), [&] { limit.cancel(); });
    }
  };
  std::vector<std::shared_ptr<Connection>> connections;
  const auto deadline = Clock::now() + std::chrono::milliseconds(
                                           static_cast<std::int64_t>(options.wait_seconds * 1000));
  for (int i = 0; i < options.connections; ++i) {
    auto connection = std::make_shared<Connection>(io, options, maker, i, on_finished);
    if (const auto error = connection->connect(deadline)) {
      std::cerr << "summit-load: cannot connect to " << options.socket << ": " << *error << "\n";
      return k_exit_unreachable;
    }
    connections.push_back(std::move(connection));
  }

  bool timed_out = false;
  const auto start = Clock::now();
  limit.expires_after(
      std::chrono::milliseconds(static_cast<std::int64_t>(options.time_limit_seconds * 1000)));
  limit.async_wait([&](boost::system::error_code ec) {
    if (ec) {
      return; // cancelled: every connection finished in time
    }
    timed_out = true;
    for (auto &connection : connections) {
      connection->stop();
    }
  });
  for (auto &connection : connections) {
    connection->start();
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) {
    threads.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (auto &thread : threads) {
    thread.join();
  }
  const auto end = Clock::now();

  Report report;
  std::vector<std::int64_t> all;
  all.reserve(static_cast<std::size_t>(options.connections * options.requests));
  for (const auto &connection : connections) {
    report.sent += connection->sent();
    report.replies += connection->received();
    report.error_replies += connection->error_replies();
    all.insert(all.end(), connection->latencies_ns().begin(), connection->latencies_ns().end());
    if (report.first_error.empty()) {
      report.first_error = connection->first_error();
    }
    if (report.transport_error.empty()) {
      report.transport_error = connection->transport_error();
    }
  }
  report.unanswered = options.connections * options.requests - report.replies;
  report.timed_out = timed_out;
  report.seconds = std::chrono::duration<double>(end - start).count();
  report.per_second = report.seconds > 0 ? static_cast<double>(report.replies) / report.seconds : 0;
  std::sort(all.begin(), all.end());
  report.p50_us = percentile_us(all, 0.50);
  report.p90_us = percentile_us(all, 0.90);
  report.p99_us = percentile_us(all, 0.99);
  report.max_us = all.empty() ? 0 : static_cast<double>(all.back()) / 1000.0;
  double sum = 0;
  for (const auto ns : all) {
    sum += static_cast<double>(ns);
  }
  report.mean_us = all.empty() ? 0 : sum / static_cast<double>(all.size()) / 1000.0;

  if (options.json_output) {
    const json out = {{"method", options.method},
                      {"connections", options.connections},
                      {"requests_per_connection", options.requests},
                      {"pipeline", options.pipeline},
                      {"threads", options.threads},
                      {"sent", report.sent},
                      {"replies", report.replies},
                      {"errors", report.error_replies},
                      {"unanswered", report.unanswered},
                      {"timed_out", report.timed_out},
                      {"seconds", report.seconds},
                      {"per_second", report.per_second},
                      {"p50_us", report.p50_us},
                      {"p90_us", report.p90_us},
                      {"p99_us", report.p99_us},
                      {"max_us", report.max_us},
                      {"mean_us", report.mean_us},
                      {"first_error", report.first_error},
                      {"transport_error", report.transport_error}};
    std::cout << out.dump() << "\n";
  } else {
    std::printf("summit-load: %s, %d connection(s) x %lld request(s), pipeline %d, %d thread(s)\n",
                options.method.c_str(), options.connections,
                static_cast<long long>(options.requests), options.pipeline, options.threads);
    std::printf("  replies   %lld in %.3f s = %.0f req/s\n", static_cast<long long>(report.replies),
                report.seconds, report.per_second);
    std::printf("  latency   p50 %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us  mean %.1f us "
                "(send -> reply, per request)\n",
                report.p50_us, report.p90_us, report.p99_us, report.max_us, report.mean_us);
    std::printf("  errors    %lld error repl%s, %lld unanswered%s\n",
                static_cast<long long>(report.error_replies),
                report.error_replies == 1 ? "y" : "ies", static_cast<long long>(report.unanswered),
                report.timed_out ? " (stopped by --time-limit)" : "");
    if (!report.first_error.empty()) {
      std::printf("  first error reply: %s\n", report.first_error.c_str());
    }
    if (!report.transport_error.empty()) {
      std::printf("  connection error: %s\n", report.transport_error.c_str());
    }
  }
  return report.error_replies == 0 && report.unanswered == 0 ? 0 : 1;
}

} // namespace
} // namespace summit::bench

int main(int argc, char **argv) {
  try {
    const auto options = summit::bench::parse_options(argc, argv);
    return options.subscribe > 0 ? summit::bench::run_subscriber(options)
                                 : summit::bench::run(options);
  } catch (const summit::bench::UsageError &e) {
    std::cerr << "summit-load: " << e.what() << "\nRun with --help for usage.\n";
    return summit::bench::k_exit_usage;
  } catch (const std::exception &e) {
    std::cerr << "summit-load: " << e.what() << "\n";
    return 1;
  }
}
