#include "server/daemon/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

#include <memory>

namespace zoned::server {
namespace {

constexpr const char* kLoggerName = "zoned";
constexpr const char* kSyslogIdent = "zoned";
// Terminal and file lines carry their own time; syslog adds its own.
constexpr const char* kLinePattern = "%Y-%m-%dT%H:%M:%S.%e %l: %v";
constexpr const char* kSyslogPattern = "%v";

[[nodiscard]] Result<spdlog::sink_ptr> make_sink(const std::string& target) {
  try {
    if (target == "stderr") return spdlog::sink_ptr(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    if (target == "stdout") return spdlog::sink_ptr(std::make_shared<spdlog::sinks::stdout_sink_mt>());
    if (target == "syslog")
      return spdlog::sink_ptr(std::make_shared<spdlog::sinks::syslog_sink_mt>(
          kSyslogIdent, LOG_PID, LOG_DAEMON, /*enable_formatting=*/true));
    return spdlog::sink_ptr(std::make_shared<spdlog::sinks::basic_file_sink_mt>(target));
  } catch (const spdlog::spdlog_ex& e) {
    return Error{"log target " + target + ": " + e.what()};
  }
}

}  // namespace

Result<bool> configure_logging(const LogConfig& config) {
  const auto level = spdlog::level::from_str(config.level);
  // from_str maps anything unknown to off; only "off" itself may mean that.
  if (level == spdlog::level::off && config.level != "off")
    return Error{"unknown log level " + config.level};
  auto sink = make_sink(config.target);
  if (!sink) return Error{sink.error()};
  (*sink)->set_pattern(config.target == "syslog" ? kSyslogPattern : kLinePattern);
  auto logger = std::make_shared<spdlog::logger>(kLoggerName, std::move(*sink));
  logger->set_level(level);
  // Few lines (no per-query lines unless asked): write each one out at once,
  // so that a crash or a tail -f never misses the last of them.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
  return true;
}

}  // namespace zoned::server
