#pragma once
// Where the daemon's log goes: spdlog's default logger, set from LogConfig.
// Called at start-up and again on every reload (SIGHUP), which also reopens
// a log file (so logrotate can move it away first).
#include "dns/result.hpp"
#include "server/config/config.hpp"

namespace zoned::server {

// Replaces spdlog's default logger; on error (bad level, file not writable)
// the logger in use stays and the error says why.
[[nodiscard]] Result<bool> configure_logging(const LogConfig& config);

}  // namespace zoned::server
