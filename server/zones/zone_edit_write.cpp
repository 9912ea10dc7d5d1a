#include "server/zones/zone_edit_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "zone/zone_dump.hpp"

namespace zoned::server {
namespace {

[[nodiscard]] Error os_error(const std::filesystem::path& path, const char* what) {
  return Error{path.string() + ": " + what + ": " + std::strerror(errno)};
}

// A file descriptor closed at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// The temporary file until it is renamed into place; removed otherwise.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!kept_) ::unlink(path_.c_str());
  }
  void keep() noexcept { kept_ = true; }

 private:
  std::filesystem::path path_;
  bool kept_ = false;
};

[[nodiscard]] Result<bool> write_all(const std::filesystem::path& temp, Fd& fd,
                                     std::string_view header, const zone::RecordList& records) {
  std::FILE* f = ::fdopen(fd.get(), "w");
  if (f == nullptr) return os_error(temp, "cannot open");
  fd.release();  // fclose() closes it now
  const bool written = std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
                       zone::dump_zone(records, f) && std::fflush(f) == 0;
  // The data must be on disk before the rename makes it the zone file.
  const bool synced = written && ::fsync(::fileno(f)) == 0;
  const int saved = errno;
  const bool closed = std::fclose(f) == 0;
  errno = saved;
  if (!written) return os_error(temp, "cannot write");
  if (!synced) return os_error(temp, "cannot fsync");
  if (!closed) return os_error(temp, "cannot close");
  return true;
}

}  // namespace

Result<bool> rewrite_zone_file(const std::filesystem::path& path, std::string_view header,
                               const zone::RecordList& records) {
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::canonical(path, ec);
  if (ec) return Error{path.string() + ": " + ec.message()};
  struct stat old_file {};
  if (::stat(target.c_str(), &old_file) != 0) return os_error(target, "cannot stat");

  std::string leaf = ".";  // hidden, and named after the file it replaces
  leaf += target.filename().string();
  leaf += ".zonectl-XXXXXX";
  std::string temp_name = (target.parent_path() / leaf).string();
  Fd fd(::mkstemp(temp_name.data()));
  if (fd.get() < 0) return os_error(target.parent_path(), "cannot create a temporary file");
  const std::filesystem::path temp = temp_name;
  TempFile cleanup(temp);
  if (::fchmod(fd.get(), old_file.st_mode & 07777) != 0) return os_error(temp, "cannot chmod");
  if (auto r = write_all(temp, fd, header, records); !r) return r;

  if (::rename(temp.c_str(), target.c_str()) != 0)
    return os_error(target, "cannot rename into place");
  cleanup.keep();
  // The rename itself is durable only once the directory is.
  Fd dir(::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0)
    return os_error(target.parent_path(), "cannot fsync the directory");
  return true;
}

}  // namespace zoned::server
