#pragma once
// The pid file: written once the sockets are bound, removed at a clean exit
// (only if it still names this process, so a second instance's file survives).
#include <filesystem>

#include "dns/result.hpp"

namespace zoned::server {

class PidFile {
 public:
  PidFile() = default;
  ~PidFile() { (void)remove(); }
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

  // Writes "PID\n" to `path` (replacing a stale file).
  [[nodiscard]] Result<bool> write(const std::filesystem::path& path);
  // Removes the file written by write(), if any and still ours. Idempotent.
  // An error (e.g. no longer allowed after dropping privileges) says why.
  [[nodiscard]] Result<bool> remove();

 private:
  std::filesystem::path path_;
};

}  // namespace zoned::server
