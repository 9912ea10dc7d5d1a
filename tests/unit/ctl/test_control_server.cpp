// The daemon's control server on a real Unix socket: handlers answer
// zonectl's requests; unknown commands, throwing handlers, stale and live
// sockets; after_reply actions run once the reply is out.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "ctl/zonectl/daemon_client.hpp"
#include "server/control/control_server.hpp"

using zoned::ctl::Reply;
using zoned::ctl::Request;
using zoned::server::ControlServer;
namespace fs = std::filesystem;

namespace {

fs::path temp_socket(const char* tag) {
  return fs::temp_directory_path() /
         ("zoned-ctl-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".sock");
}

// Runs the server's io_context while `client` runs on another thread, then stops.
void serve_while(boost::asio::io_context& io, ControlServer& server,
                 const std::function<void()>& client) {
  std::thread thread([&] {
    client();
    boost::asio::post(io, [&] { server.stop(); });
  });
  io.run();
  thread.join();
}

}  // namespace

TEST_CASE("control server: handlers answer, unknown commands and throwing handlers are errors") {
  const fs::path path = temp_socket("answer");
  boost::asio::io_context io;
  ControlServer server(io);
  server.add("echo", [](ControlServer::Args args) {
    return Reply::success({{"args", std::vector<std::string>(args.begin(), args.end())}});
  });
  server.add("throw", [](ControlServer::Args) -> Reply { throw std::runtime_error("boom"); });
  REQUIRE(server.start({path}).ok());
  CHECK(server.describe() == path.string());
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
         fs::perms::group_write));

  serve_while(io, server, [&] {
    const auto echoed = zoned::ctl::call_daemon(path, Request{"echo", {"a", "b c"}});
    REQUIRE(echoed.ok());
    CHECK(echoed->ok);
    CHECK(echoed->body.at("args") == nlohmann::json({"a", "b c"}));
    const auto unknown = zoned::ctl::call_daemon(path, Request{"nope", {}});
    REQUIRE(unknown.ok());
    CHECK(unknown->error == "unknown command 'nope'");
    const auto thrown = zoned::ctl::call_daemon(path, Request{"throw", {}});
    REQUIRE(thrown.ok());
    CHECK(thrown->error == "throw failed: boom");
  });
  CHECK_FALSE(fs::exists(path));  // stop() removes the socket
}

TEST_CASE("control server: after_reply runs once the reply was written") {
  const fs::path path = temp_socket("after");
  boost::asio::io_context io;
  ControlServer server(io);
  bool replied = false;
  bool ran_after_reply = false;
  server.add("stop", [&](ControlServer::Args) {
    server.after_reply([&] { ran_after_reply = true; });
    return Reply::success({{"stopping", true}});
  });
  REQUIRE(server.start({path}).ok());
  serve_while(io, server, [&] {
    const auto reply = zoned::ctl::call_daemon(path, Request{"stop", {}});
    replied = reply.ok() && reply->ok;
  });
  CHECK(replied);
  CHECK(ran_after_reply);
  // dispatch() alone leaves the action for the caller to take.
  CHECK(server.dispatch(Request{"stop", {}}).ok);
  CHECK(server.take_after_reply() != nullptr);
  CHECK(server.take_after_reply() == nullptr);
}

TEST_CASE("control server: a stale socket is replaced, a live one or another file is kept") {
  const fs::path path = temp_socket("stale");
  boost::asio::io_context io;
  {
    ControlServer first(io);
    REQUIRE(first.start({path}).ok());
    ControlServer second(io);
    const auto refused = second.start({path});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().find("another zoned answers") != std::string::npos);
    CHECK(fs::exists(path));  // the refused one did not remove the live one's socket
    first.stop();
  }
  {
    // A socket file nobody listens on (left by a crash): made by binding, then closing.
    boost::asio::local::stream_protocol::acceptor dead(io, {path.string()});
    dead.close();
    REQUIRE(fs::exists(path));
    ControlServer server(io);
    CHECK(server.start({path}).ok());
  }
  CHECK_FALSE(fs::exists(path));
  std::ofstream(path) << "not a socket";
  ControlServer server(io);
  const auto refused = server.start({path});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("is not a socket") != std::string::npos);
  CHECK(fs::exists(path));
  fs::remove(path);
  CHECK(server.start({""}).ok());  // no socket configured: off
  CHECK(server.describe().empty());
}

TEST_CASE("control server: a missing socket directory is made, private to owner and group") {
  const fs::path directory = temp_socket("dir");
  const fs::path path = directory / "run" / "zoned.sock";
  boost::asio::io_context io;
  {
    ControlServer server(io);
    REQUIRE(server.start({path}).ok());
    CHECK(fs::is_socket(path));
    CHECK((fs::status(path.parent_path()).permissions() & fs::perms::all) ==
          (fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec));
  }
  CHECK_FALSE(fs::exists(path));
  fs::remove_all(directory);
}
