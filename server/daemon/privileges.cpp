#include "server/daemon/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace zoned::server {
namespace {

constexpr std::size_t kPasswdBufferSize = 16384;

[[nodiscard]] Error failed(const std::string& user, const char* step) {
  return Error{"cannot switch to user " + user + ": " + step + ": " + std::strerror(errno)};
}

}  // namespace

Result<bool> drop_privileges(const std::string& user) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(kPasswdBufferSize);
  const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr) return Error{"unknown user " + user};
  if (::geteuid() == entry.pw_uid) return true;
  if (::geteuid() != 0)
    return Error{"cannot switch to user " + user + ": zoned is not running as root"};
  // Groups first: after setuid() we could no longer change them.
  if (::setgroups(0, nullptr) != 0) return failed(user, "setgroups");
  if (::setgid(entry.pw_gid) != 0) return failed(user, "setgid");
  if (::setuid(entry.pw_uid) != 0) return failed(user, "setuid");
  return true;
}

}  // namespace zoned::server
