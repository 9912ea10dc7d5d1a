#include "server/pid_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

namespace zoned::server {

Result<bool> PidFile::write(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::trunc);
  out << ::getpid() << '\n';
  out.close();
  if (!out) return Error{"pid file " + path.string() + ": " + std::strerror(errno)};
  path_ = path;
  return true;
}

void PidFile::remove() noexcept {
  if (path_.empty()) return;
  std::ifstream in(path_);
  long pid = 0;
  if (in >> pid && pid == ::getpid()) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  path_.clear();
}

}  // namespace zoned::server
