// zonectl's side of the control channel: finding the socket (-s, -c CONFIG,
// relative paths) and the one-line errors when no daemon answers.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "ctl/zonectl/daemon_client.hpp"

using namespace zoned::ctl;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("zonectl-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  static inline int counter = 0;
};

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("daemon client: -s wins, else the control socket of -c CONFIG") {
  TempDir dir;
  const fs::path config = dir.path / "zoned.yaml";
  write_file(config, "server:\n  workers: 1\ncontrol:\n  socket: run/zoned.sock\n");
  CHECK(find_socket({"/x/y.sock", ""}).value() == fs::path("/x/y.sock"));
  // Relative to the config's directory, as zoned reads it.
  CHECK(find_socket({"", config.native()}).value() == dir.path / "run/zoned.sock");
  write_file(config, "control:\n  socket: /run/zoned/other.sock\n");
  CHECK(socket_from_config(config).value() == fs::path("/run/zoned/other.sock"));
}

TEST_CASE("daemon client: a config without a usable control socket says why") {
  TempDir dir;
  const fs::path config = dir.path / "zoned.yaml";
  write_file(config, "server:\n  workers: 1\n");
  CHECK(socket_from_config(config).error().find("has no control: socket:") != std::string::npos);
  write_file(config, "control:\n  socket: [a, b]\n");
  CHECK(socket_from_config(config).error().find("has no control: socket:") != std::string::npos);
  write_file(config, "control: [\n");
  CHECK(socket_from_config(config).error().find("not a zoned config") != std::string::npos);
  CHECK(socket_from_config(dir.path / "missing.yaml").error().find("cannot read") !=
        std::string::npos);
}

TEST_CASE("daemon client: no daemon gives one line naming the socket and the cause") {
  TempDir dir;
  const fs::path missing = dir.path / "none.sock";
  const auto absent = call_daemon(missing, {"status", {}});
  CHECK(absent.error() == "cannot connect to " + missing.string() +
                              ": no such socket (is zoned running, with this control: socket:?)");

  // A socket file nobody listens on: what a daemon that crashed leaves.
  const fs::path stale = dir.path / "stale.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, stale.c_str(), stale.native().size());
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  ::close(fd);
  CHECK(call_daemon(stale, {"status", {}}).error() ==
        "cannot connect to " + stale.string() + ": no zoned is running (connection refused)");

  const std::string too_long(200, 'x');
  CHECK(call_daemon(too_long, {"status", {}}).error().find("not a usable socket path") !=
        std::string::npos);
}
