#include "core/rpc.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/server.hpp"
#include "server_test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace summit;
using nlohmann::json;

namespace {

using test::Client;

json request(int id, const std::string &method, json params = json::object()) {
  return core::rpc::make_request(id, method, std::move(params));
}

// A server with a test.echo method, its io_context running on a thread of
// its own (the test thread plays the clients).
class ServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dispatcher.add("test.echo", [](const json &params, const server::CallContext &context) {
      return server::HandlerResult(json{{"params", params}, {"uid", context.peer.uid}});
    });
    // Like reminder.subscribe: the caller will wait quietly for notifications.
    m_dispatcher.add("test.subscribe", [](const json &, const server::CallContext &context) {
      if (auto connection = context.connection.lock()) {
        connection->keep_alive();
      }
      return server::HandlerResult(json{{"subscribed", true}});
    });
    // A large reply for a small request, as event.list can give.
    m_dispatcher.add("test.big", [](const json &, const server::CallContext &) {
      return server::HandlerResult(json{{"pad", std::string(32 * 1024, 'b')}});
    });
  }

  void TearDown() override { stop(); }

  server::ServerOptions options(std::size_t max_line = 1024) const {
    server::ServerOptions result;
    result.socket_path = socket_path();
    result.limits.max_line = max_line;
    return result;
  }

  std::filesystem::path socket_path() const { return m_dir.path() / "summitd.sock"; }

  core::Result<void> start(std::size_t max_line = 1024) { return start_with(options(max_line)); }

  core::Result<void> start_with(const server::ServerOptions &options) {
    m_server = std::make_unique<server::Server>(m_io, m_dispatcher, options);
    auto listening = m_server->listen();
    if (!listening) {
      return listening;
    }
    m_server->start();
    m_thread = std::thread([this] { m_io.run(); });
    return {};
  }

  // Stops the server from its own thread, as the signal handler would.
  void stop() {
    if (m_thread.joinable()) {
      boost::asio::post(m_io, [this] { m_server->stop(); });
      m_thread.join();
    }
    m_server.reset();
  }

  test::TempDir m_dir;
  server::Dispatcher m_dispatcher{[] { return core::SysSeconds{}; }};
  boost::asio::io_context m_io{1};
  std::unique_ptr<server::Server> m_server;
  std::thread m_thread;
};

} // namespace

TEST_F(ServerTest, answers_a_request_with_the_callers_uid) {
  ASSERT_TRUE(start());
  Client client(socket_path());
  ASSERT_TRUE(client.connected());
  auto reply = client.call(request(1, "test.echo", {{"x", "y"}}));
  EXPECT_EQ(reply["id"], 1);
  EXPECT_EQ(reply["result"]["params"]["x"], "y");
  EXPECT_EQ(reply["result"]["uid"], ::getuid());
}

TEST_F(ServerTest, the_socket_file_is_private_to_the_user) {
  ASSERT_TRUE(start());
  struct stat st {};
  ASSERT_EQ(::lstat(socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ServerTest, pipelined_requests_are_answered_in_order) {
  ASSERT_TRUE(start());
  Client client(socket_path());
  std::string burst;
  for (int id = 1; id <= 200; ++id) {
    burst += core::rpc::to_line(request(id, "test.echo", {{"n", id}}));
  }
  ASSERT_TRUE(client.send(burst));
  for (int id = 1; id <= 200; ++id) {
    auto line = client.read_line();
    ASSERT_TRUE(line) << "reply " << id << " missing";
    EXPECT_EQ(json::parse(*line)["id"], id);
  }
}

TEST_F(ServerTest, a_request_split_across_writes_is_one_request) {
  ASSERT_TRUE(start());
  Client client(socket_path());
  const auto line = core::rpc::to_line(request(9, "test.echo"));
  ASSERT_TRUE(client.send(line.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(client.send(line.substr(10)));
  auto reply = client.read_line();
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["id"], 9);
}

TEST_F(ServerTest, bad_lines_get_errors_and_the_connection_stays_open) {
  ASSERT_TRUE(start());
  Client client(socket_path());
  ASSERT_TRUE(client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\xfe\"}\n"));
  EXPECT_EQ(json::parse(client.read_line().value_or("null"))["error"]["code"],
            core::rpc::k_parse_error);
  ASSERT_TRUE(client.send("{not json\n"));
  EXPECT_EQ(json::parse(client.read_line().value_or("null"))["error"]["code"],
            core::rpc::k_parse_error);
  ASSERT_TRUE(client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":[]}\n"));
  EXPECT_EQ(json::parse(client.read_line().value_or("null"))["error"]["code"],
            core::rpc::k_invalid_request);
  auto unknown = client.call(request(3, "no.such"));
  EXPECT_EQ(unknown["error"]["code"], core::rpc::k_method_not_found);
  auto fine = client.call(request(4, "test.echo"));
  EXPECT_EQ(fine["id"], 4);
  EXPECT_TRUE(fine.contains("result"));
}

TEST_F(ServerTest, a_line_over_the_limit_is_refused_and_closed_while_others_carry_on) {
  ASSERT_TRUE(start(1024));
  Client bystander(socket_path());
  Client flooder(socket_path());
  ASSERT_TRUE(bystander.call(request(1, "test.echo")).contains("result"));

  flooder.send(std::string(4096, 'x'));
  auto line = flooder.read_line();
  ASSERT_TRUE(line);
  auto error = json::parse(*line);
  EXPECT_EQ(error["error"]["code"], core::rpc::k_invalid_request);
  EXPECT_NE(error["error"]["message"].get<std::string>().find("request line exceeds 1024 bytes"),
            std::string::npos);
  EXPECT_TRUE(flooder.closed_by_server());

  EXPECT_TRUE(bystander.call(request(2, "test.echo")).contains("result"));
}

TEST_F(ServerTest, a_line_just_under_the_limit_is_accepted) {
  ASSERT_TRUE(start(1024));
  Client client(socket_path());
  auto params = json{{"pad", ""}};
  auto line = request(1, "test.echo", params).dump();
  params["pad"] = std::string(1024 - line.size(), 'p');
  line = request(1, "test.echo", params).dump();
  ASSERT_EQ(line.size(), 1024u);
  ASSERT_TRUE(client.send(line + "\n"));
  auto reply = client.read_line();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(json::parse(*reply).contains("result"));
}

TEST_F(ServerTest, a_last_line_without_newline_is_answered_at_eof) {
  ASSERT_TRUE(start());
  Client client(socket_path());
  ASSERT_TRUE(client.send(request(5, "test.echo").dump()));
  // Half-close, as `printf ... | socat` does at the end of its input.
  client.half_close();
  auto reply = client.read_line();
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["id"], 5);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, many_clients_at_once) {
  ASSERT_TRUE(start());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<Client>(socket_path()));
    ASSERT_TRUE(clients.back()->connected());
  }
  for (int i = 0; i < 50; ++i) {
    clients[static_cast<std::size_t>(i)]->send(core::rpc::to_line(request(i, "test.echo")));
  }
  for (int i = 0; i < 50; ++i) {
    auto line = clients[static_cast<std::size_t>(i)]->read_line();
    ASSERT_TRUE(line);
    EXPECT_EQ(json::parse(*line)["id"], i);
  }
}

TEST_F(ServerTest, stop_closes_clients_and_removes_the_socket_file) {
  ASSERT_TRUE(start());
  Client client(socket_path());
  ASSERT_TRUE(client.call(request(1, "test.echo")).contains("result"));
  ASSERT_TRUE(std::filesystem::exists(socket_path()));
  stop();
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
}

TEST_F(ServerTest, a_stale_socket_file_is_replaced) {
  {
    // A socket bound and closed without unlinking: what a crash leaves.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path().c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::exists(socket_path()));
  auto started = start();
  ASSERT_TRUE(started) << started.error().message;
  Client client(socket_path());
  EXPECT_TRUE(client.call(request(1, "test.echo")).contains("result"));
}

TEST_F(ServerTest, a_second_server_on_a_live_socket_is_refused_and_leaves_it_alone) {
  ASSERT_TRUE(start());
  boost::asio::io_context other_io;
  server::Dispatcher other_dispatcher([] { return core::SysSeconds{}; });
  {
    server::Server second(other_io, other_dispatcher, options());
    auto listening = second.listen();
    ASSERT_FALSE(listening);
    const auto &message = listening.error().message;
    EXPECT_NE(message.find("summitd is already running on " + socket_path().string()),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("(pid " + std::to_string(::getpid()) + ")"), std::string::npos)
        << message;
  }
  ASSERT_TRUE(std::filesystem::exists(socket_path()));
  Client client(socket_path());
  EXPECT_TRUE(client.call(request(1, "test.echo")).contains("result"));
}

TEST_F(ServerTest, a_file_that_is_not_a_socket_is_never_removed) {
  {
    std::ofstream file(socket_path());
    file << "precious";
  }
  auto started = start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("not a socket"), std::string::npos);
  std::ifstream file(socket_path());
  std::string content;
  file >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(ServerTest, past_max_connections_a_client_is_told_so_and_the_others_carry_on) {
  auto limited = options();
  limited.max_connections = 3;
  ASSERT_TRUE(start_with(limited));
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(socket_path()));
    ASSERT_TRUE(clients.back()->call(request(i, "test.echo")).contains("result"));
  }
  Client extra(socket_path());
  auto line = extra.read_line();
  ASSERT_TRUE(line);
  const auto error = json::parse(*line)["error"];
  EXPECT_EQ(error["code"], core::rpc::k_unavailable);
  EXPECT_NE(error["message"].get<std::string>().find("maximum of 3 connections"), std::string::npos)
      << error;
  EXPECT_TRUE(extra.closed_by_server());
  EXPECT_TRUE(clients[0]->call(request(9, "test.echo")).contains("result"));

  // A place freed is a place for the next client.
  clients.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    Client next(socket_path());
    served = next.call(request(10, "test.echo")).contains("result");
    if (!served) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_TRUE(served);
}

TEST_F(ServerTest, an_idle_client_is_closed_after_the_idle_timeout_but_a_subscriber_is_not) {
  auto timed = options();
  timed.limits.idle_timeout = std::chrono::milliseconds(1000);
  ASSERT_TRUE(start_with(timed));
  Client subscriber(socket_path());
  ASSERT_TRUE(subscriber.call(request(1, "test.subscribe")).contains("result"));
  Client idle(socket_path());
  ASSERT_TRUE(idle.call(request(1, "test.echo")).contains("result"));
  EXPECT_TRUE(idle.closed_by_server()); // waits up to 10 s
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(subscriber.call(request(2, "test.echo")).contains("result"));
}

TEST_F(ServerTest, a_request_dribbled_a_byte_at_a_time_is_cut_off_at_the_request_timeout) {
  auto timed = options();
  timed.limits.request_timeout = std::chrono::milliseconds(500);
  ASSERT_TRUE(start_with(timed));
  Client loris(socket_path());
  Client bystander(socket_path());
  const std::string line = core::rpc::to_line(request(1, "test.echo"));
  std::optional<std::string> reply;
  // One byte every 100 ms: the line would take seconds to complete.
  for (std::size_t i = 0; i < line.size() && loris.send(line.substr(i, 1)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(bystander.call(request(static_cast<int>(i), "test.echo")).contains("result"));
    if (i == 12) {
      break;
    }
  }
  reply = loris.read_line();
  ASSERT_TRUE(reply);
  const auto error = json::parse(*reply)["error"];
  EXPECT_EQ(error["code"], core::rpc::k_invalid_request);
  EXPECT_NE(error["message"].get<std::string>().find("not completed within 500 ms"),
            std::string::npos)
      << error;
  EXPECT_TRUE(loris.closed_by_server());
  EXPECT_TRUE(bystander.call(request(99, "test.echo")).contains("result"));
}

TEST_F(ServerTest, a_client_that_never_reads_its_replies_does_not_hold_up_others) {
  ASSERT_TRUE(start());
  Client hoarder(socket_path());
  Client bystander(socket_path());
  // Ask for far more than the socket buffers hold, never reading a reply.
  std::string burst;
  for (int id = 1; id <= 400; ++id) {
    burst += core::rpc::to_line(request(id, "test.big"));
  }
  std::thread flood([&] { hoarder.send(burst); }); // blocks once the server stops reading
  for (int id = 1; id <= 20; ++id) {
    EXPECT_TRUE(bystander.call(request(id, "test.echo")).contains("result"));
  }
  // It is still owed its replies in order, once it reads them.
  for (int id = 1; id <= 400; ++id) {
    auto line = hoarder.read_line();
    ASSERT_TRUE(line) << id;
    ASSERT_EQ(json::parse(*line)["id"], id);
  }
  flood.join();
}

namespace {

// A connection made by `uid`: the peer's credentials (SO_PEERCRED) are those
// of the process that called connect(), so a child takes the uid and
// connects a socket the test then uses. Needs root; -1 on failure. The
// child makes system calls only (it is forked from a threaded process).
int connect_as(uid_t uid, const std::filesystem::path &path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(uid) != 0 || ::setuid(uid) != 0) {
      ::_exit(2);
    }
    ::_exit(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0 ? 0
                                                                                             : 3);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

TEST_F(ServerTest, past_max_connections_per_uid_a_client_is_told_so_and_the_others_carry_on) {
  auto limited = options();
  limited.max_connections_per_uid = 2;
  ASSERT_TRUE(start_with(limited));
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 2; ++i) {
    clients.push_back(std::make_unique<Client>(socket_path()));
    ASSERT_TRUE(clients.back()->call(request(i, "test.echo")).contains("result"));
  }
  Client extra(socket_path());
  auto line = extra.read_line();
  ASSERT_TRUE(line);
  const auto error = json::parse(*line)["error"];
  EXPECT_EQ(error["code"], core::rpc::k_unavailable);
  EXPECT_EQ(error["message"], "uid " + std::to_string(::geteuid()) +
                                  " already has 2 connections open, the most one user may hold "
                                  "(limits.max_connections_per_uid); close some, or raise "
                                  "limits.max_connections_per_uid in summitd.toml");
  EXPECT_TRUE(extra.closed_by_server());
  EXPECT_TRUE(clients[0]->call(request(9, "test.echo")).contains("result"));

  // A place freed is a place for the same uid again.
  clients.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 500 && !served; ++attempt) {
    Client next(socket_path());
    served = next.call(request(10, "test.echo")).contains("result");
    if (!served) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_TRUE(served);
}

TEST_F(ServerTest, a_uid_at_its_connection_limit_does_not_keep_another_uid_out) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "connecting as another uid needs root";
  }
  auto limited = options();
  limited.max_connections_per_uid = 2;
  ASSERT_TRUE(start_with(limited));
  // Let uid 65534 reach the socket (the test's folder and socket are
  // private to root).
  ASSERT_EQ(::chmod(m_dir.path().c_str(), 0711), 0);
  ASSERT_EQ(::chmod(socket_path().c_str(), 0666), 0);
  std::vector<std::unique_ptr<Client>> root;
  for (int i = 0; i < 2; ++i) {
    root.push_back(std::make_unique<Client>(socket_path()));
    ASSERT_TRUE(root.back()->call(request(i, "test.echo")).contains("result"));
  }
  Client refused(socket_path());
  ASSERT_TRUE(refused.read_line());
  EXPECT_TRUE(refused.closed_by_server());

  constexpr uid_t k_nobody = 65534;
  std::vector<std::unique_ptr<Client>> nobody;
  for (int i = 0; i < 2; ++i) {
    const int fd = connect_as(k_nobody, socket_path());
    ASSERT_GE(fd, 0);
    nobody.push_back(Client::adopt(fd));
    const auto reply = nobody.back()->call(request(i, "test.echo"));
    ASSERT_TRUE(reply.contains("result")) << reply;
    EXPECT_EQ(reply["result"]["uid"], k_nobody);
  }
  // It has its own limit too.
  const int fd = connect_as(k_nobody, socket_path());
  ASSERT_GE(fd, 0);
  auto third = Client::adopt(fd);
  auto line = third->read_line();
  ASSERT_TRUE(line);
  EXPECT_NE(json::parse(*line)["error"]["message"].get<std::string>().find("uid 65534 already "
                                                                           "has 2 connections"),
            std::string::npos)
      << *line;
}

// Issue 13: a blank line every so often used to keep a connection past the
// idle timeout. Only a complete request counts as activity.
TEST_F(ServerTest, blank_lines_do_not_keep_a_connection_past_the_idle_timeout) {
  auto timed = options();
  timed.limits.idle_timeout = std::chrono::milliseconds(1000);
  ASSERT_TRUE(start_with(timed));
  Client keeper(socket_path());
  ASSERT_TRUE(keeper.call(request(1, "test.echo")).contains("result"));
  // Blank lines (with and without '\r') every 100 ms, for up to a minute:
  // the server closes the connection long before that.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool closed = false;
  for (int i = 0; !closed && std::chrono::steady_clock::now() < deadline; ++i) {
    if (!keeper.send(i % 2 == 0 ? "\n" : "\r\n")) {
      closed = true;
      break;
    }
    pollfd waiting{keeper.fd(), POLLIN, 0};
    if (::poll(&waiting, 1, 100) > 0) {
      char byte = 0;
      const auto got = ::recv(keeper.fd(), &byte, 1, MSG_DONTWAIT);
      ASSERT_LE(got, 0) << "no reply is owed for a blank line";
      closed = got == 0 || errno != EAGAIN;
    }
  }
  EXPECT_TRUE(closed) << "a minute of blank lines kept the connection open";
}

// A request whose reply is deferred (an import, an event.list page built on
// the worker) holds its connection's later requests unread until it is
// answered: one client queues at most one job for the worker, however fast
// it pipelines. The requests behind it are then read and answered, in order.
TEST_F(ServerTest, requests_behind_a_deferred_reply_are_read_once_it_is_answered) {
  // Touched only on the loop's thread.
  std::vector<server::DeferredReply> waiting;
  int counted = 0;
  std::promise<void> first_started;
  m_dispatcher.add_deferred(
      "test.later", [&](const json &, const server::CallContext &, server::DeferredReply reply) {
        waiting.push_back(std::move(reply));
        if (waiting.size() == 1) {
          first_started.set_value();
        }
      });
  m_dispatcher.add("test.count", [&](const json &, const server::CallContext &) {
    return server::HandlerResult(json{{"counted", ++counted}});
  });
  // Runs `what` on the loop and returns its result.
  auto on_loop = [&](auto what) {
    std::promise<decltype(what())> done;
    boost::asio::post(m_io, [&] { done.set_value(what()); });
    return done.get_future().get();
  };
  ASSERT_TRUE(start());
  Client client(socket_path());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(request(1, "test.later", json::object()).dump() + "\n" +
                          request(2, "test.count", json::object()).dump() + "\n" +
                          request(3, "test.later", json::object()).dump() + "\n" +
                          request(4, "test.count", json::object()).dump() + "\n"));
  first_started.get_future().get();
  EXPECT_EQ(on_loop([&] { return counted; }), 0) << "a request behind the deferred one was read";
  EXPECT_EQ(on_loop([&] { return waiting.size(); }), 1u);

  on_loop([&] {
    waiting[0](server::HandlerResult(json{{"later", 1}}));
    return 0;
  });
  auto line = client.read_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line)["id"], 1);
  line = client.read_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line)["result"]["counted"], 1);
  // Request 3 came in with 2, and holds 4 back in its turn.
  EXPECT_EQ(on_loop([&] { return waiting.size(); }), 2u);
  EXPECT_EQ(on_loop([&] { return counted; }), 1);

  on_loop([&] {
    waiting[1](server::HandlerResult(json{{"later", 2}}));
    return 0;
  });
  for (const int id : {3, 4}) {
    line = client.read_line();
    ASSERT_TRUE(line) << "no reply " << id;
    EXPECT_EQ(json::parse(*line)["id"], id);
  }
  EXPECT_EQ(on_loop([&] { return counted; }), 2);
}
