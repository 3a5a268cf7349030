// Session::notify: a bounded notification (calendar.progress) gives way only
// to its own kind, never taking a subscriber's waiting one with it.
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

namespace summit {
namespace {

TEST(SessionNotify, bounded_progress_never_drops_a_subscribers_waiting_line) {
  boost::asio::io_context io;
  server::Session::Socket ours(io);
  server::Session::Socket theirs(io);
  boost::asio::local::connect_pair(ours, theirs);
  server::Dispatcher dispatcher([] { return core::SysSeconds{}; });
  auto session = std::make_shared<server::Session>(std::move(ours), dispatcher,
                                                   server::SessionLimits{}, server::Peer{});
  constexpr auto unbounded = server::Connection::k_unbounded;
  // A first line larger than the socket's buffer: its write stays under way
  // (the loop does not run yet), so what follows waits in the session, as
  // behind a subscriber that stopped reading.
  EXPECT_EQ(session->notify(std::string(4 << 20, 'x') + "\n", unbounded), 0u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(session->notify("sub-" + std::to_string(i) + "\n", unbounded), 0u);
  }
  std::size_t dropped = 0;
  for (int i = 0; i < 10; ++i) {
    dropped += session->notify("progress-" + std::to_string(i) + "\n", 4);
  }
  EXPECT_EQ(dropped, 6u); // progress-0..5 gave way to later ones
  std::thread loop([&io] { io.run(); });
  std::string got;
  char buffer[65536];
  while (got.find("progress-9\n") == std::string::npos) {
    const ssize_t n = ::read(theirs.native_handle(), buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    got.append(buffer, static_cast<std::size_t>(n));
  }
  boost::asio::post(io, [session] { session->close(); });
  loop.join();
  got.erase(0, got.find('\n') + 1);
  EXPECT_EQ(got, "sub-0\nsub-1\nsub-2\nsub-3\nsub-4\nsub-5\nsub-6\nsub-7\nsub-8\nsub-9\n"
                 "progress-6\nprogress-7\nprogress-8\nprogress-9\n");
}

} // namespace
} // namespace summit
