#include "daemon/app/logging.hpp"

#include "core/text.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace summit::daemon {
namespace {

// "<3>" for errors etc.: journald reads the prefix as the priority
// (sd-daemon.h's SD_ERR...).
class SyslogPriorityFlag : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg &message, const std::tm &,
              spdlog::memory_buf_t &dest) override {
    const char *prefix = "<6>";
    switch (message.level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      prefix = "<7>";
      break;
    case spdlog::level::info:
      prefix = "<6>";
      break;
    case spdlog::level::warn:
      prefix = "<4>";
      break;
    case spdlog::level::err:
      prefix = "<3>";
      break;
    case spdlog::level::critical:
      prefix = "<2>";
      break;
    default:
      break;
    }
    dest.append(prefix, prefix + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

// The message, shown rather than obeyed (core::text::escape_controls): a
// newline in a client's method name, an invitation's file name or a
// library's error cannot forge a second log line, and an escape sequence
// cannot reach whoever reads the journal on a terminal. Every line goes
// through it; printable ASCII, the common case, is copied as it is.
class EscapedMessageFlag : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg &message, const std::tm &,
              spdlog::memory_buf_t &dest) override {
    const std::string_view text(message.payload.data(), message.payload.size());
    if (!core::text::may_need_escapes(text)) {
      dest.append(text.data(), text.data() + text.size());
      return;
    }
    const std::string escaped = core::text::escape_controls(text);
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<EscapedMessageFlag>();
  }
};

// stderr, written with one write(2) per flush. The logger flushes after
// every message, so each line still goes out at once; a sink's user that
// logs many lines and then flushes (notify::LogChannel, a burst of
// reminders) gets them written together. spdlog's own stderr sink writes
// each line with fwrite to the unbuffered stderr, one system call per line.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  ~StderrSink() override {
    const std::lock_guard lock(mutex_);
    write_pending();
  }

protected:
  void sink_it_(const spdlog::details::log_msg &message) override {
    formatter_->format(message, m_pending);
    if (m_pending.size() >= k_flush_at) {
      write_pending();
    }
  }
  void flush_() override { write_pending(); }

private:
  static constexpr std::size_t k_flush_at = 64 * 1024;

  void write_pending() {
    const char *data = m_pending.data();
    std::size_t left = m_pending.size();
    while (left > 0) {
      const ssize_t written = ::write(STDERR_FILENO, data, left);
      if (written < 0) {
        if (errno == EINTR) {
          continue;
        }
        break; // nowhere to report it: stderr is where reports go
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
    m_pending.clear();
  }

  spdlog::memory_buf_t m_pending;
};

spdlog::level::level_enum level_from(std::string_view level) {
  if (level == "warning") {
    return spdlog::level::warn;
  }
  return spdlog::level::from_str(std::string(level));
}

} // namespace

std::unique_ptr<spdlog::formatter> make_log_formatter(bool journal) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<EscapedMessageFlag>('V');
  if (journal) {
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%V");
  } else {
    formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e summitd[%P] %l: %V");
  }
  return formatter;
}

void setup_logging(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("summitd", std::make_shared<StderrSink>());
  logger->set_formatter(make_log_formatter(std::getenv("JOURNAL_STREAM") != nullptr));
  logger->set_level(level_from(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void set_log_level(std::string_view level) { spdlog::set_level(level_from(level)); }

} // namespace summit::daemon
