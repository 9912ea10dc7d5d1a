// The pid file: holds our pid while running; removed at stop only if it is
// still ours (another instance may have taken it over).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "server/daemon/pid_file.hpp"

using zoned::server::PidFile;
namespace fs = std::filesystem;

namespace {

fs::path temp_pid_path(const char* tag) {
  return fs::temp_directory_path() /
         ("zoned-test-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".pid");
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("pid file: written with our pid, removed at the end") {
  const fs::path path = temp_pid_path("pid");
  {
    PidFile pid_file;
    REQUIRE(pid_file.write(path).ok());
    CHECK(read_all(path) == std::to_string(::getpid()) + "\n");
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("pid file: one taken over by another process is left alone") {
  const fs::path path = temp_pid_path("taken");
  PidFile pid_file;
  REQUIRE(pid_file.write(path).ok());
  std::ofstream(path, std::ios::trunc) << "1\n";
  CHECK(pid_file.remove().ok());
  CHECK(fs::exists(path));
  fs::remove(path);
}

TEST_CASE("pid file: an unwritable path is an error naming it") {
  PidFile pid_file;
  auto written = pid_file.write("/nonexistent-dir/zoned.pid");
  REQUIRE_FALSE(written.ok());
  CHECK(written.error().find("/nonexistent-dir/zoned.pid") != std::string::npos);
}
