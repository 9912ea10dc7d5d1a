#include "server/daemon/pid_file.hpp"

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

Result<bool> PidFile::remove() {
  if (path_.empty()) return true;
  const std::filesystem::path path = std::move(path_);
  path_.clear();
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid != ::getpid()) return true;  // replaced by another instance
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return Error{"pid file " + path.string() + " not removed: " + ec.message()};
  return true;
}

}  // namespace zoned::server
