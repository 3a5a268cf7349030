#include "daemon/app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

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

spdlog::level::level_enum level_from(std::string_view level) {
  if (level == "warning") {
    return spdlog::level::warn;
  }
  return spdlog::level::from_str(std::string(level));
}

} // namespace

void setup_logging(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("summitd",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (std::getenv("JOURNAL_STREAM") != nullptr) {
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%v");
  } else {
    formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e summitd[%P] %l: %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(level_from(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void set_log_level(std::string_view level) { spdlog::set_level(level_from(level)); }

} // namespace summit::daemon
