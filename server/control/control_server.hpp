#pragma once
// The control channel: zonectl's requests on a Unix stream socket
// (`control: socket:`), served on the control thread's io_context, so a
// command never runs on a worker and never stalls query answering. Whoever
// may open the socket may control the daemon: it is created mode 0660 and
// its directory's permissions are the access control. Frames and messages
// are ctl/protocol/control_protocol.hpp.
//
// Untrusted input: a request is read within kRequestTimeout and capped at
// kMaxRequestSize; bad magic or a broken stream closes the connection, a bad
// version, an oversized or malformed request gets an error reply and then
// the close. At most kMaxSessions clients at once; more are closed at once.
//
// How to add a command (in its own file, e.g. server/control/control_edit_commands.cpp):
//   void register_edit_commands(ControlServer& control, ZoneEditor& editor) {
//     control.add("zone-begin", [&editor](ControlServer::Args args) {
//       if (args.size() != 1) return ctl::Reply::failure("usage: zone-begin ZONE");
//       if (auto begun = editor.begin(args[0]); !begun) return ctl::Reply::failure(begun.error());
//       return ctl::Reply::success({{"zone", args[0]}});
//     });
//   }
// and call it from Daemon::start() before control_.start(). Handlers run on
// the control thread one at a time; their error text is one line for the
// operator; zonectl renders the body (ctl/zonectl/command.hpp).
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>

#include "ctl/protocol/control_protocol.hpp"
#include "dns/result.hpp"
#include "server/base/accept_loop.hpp"
#include "server/config/config.hpp"

namespace zoned::server {

class ControlServer {
 public:
  using Args = std::span<const std::string>;
  using Handler = std::function<ctl::Reply(Args args)>;

  static constexpr std::size_t kMaxSessions = 16;
  // From the first byte of a request to its last, and for writing a reply.
  static constexpr std::chrono::seconds kRequestTimeout{10};
  static constexpr std::chrono::seconds kReplyTimeout{60};
  // A connected client that sends nothing is closed after this.
  static constexpr std::chrono::seconds kIdleTimeout{60};

  explicit ControlServer(boost::asio::io_context& io);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Registers (or replaces) the handler of command `name`.
  void add(std::string name, Handler handler);
  // From inside a handler: runs `action` once that handler's reply has been
  // written (or the client went away). `stop` replies before it stops.
  void after_reply(std::function<void()> action);

  // Listens on `config.socket` when set (a no-op otherwise), making its
  // directory (mode 0750) when missing. A stale socket file (nobody answers
  // on it) is replaced; a live one is an error, so a second zoned with the
  // same config does not steal the first one's channel.
  [[nodiscard]] Result<bool> start(const ControlConfig& config);
  // Closes the listener and every connection, removes the socket. Idempotent.
  void stop();
  // The socket path, or empty when off.
  [[nodiscard]] std::string describe() const;

  // Runs the handler of `request.command` (an error reply for an unknown
  // command, or a handler that threw). For the sessions and the unit tests.
  [[nodiscard]] ctl::Reply dispatch(const ctl::Request& request);
  // Takes the action registered by after_reply() during the last dispatch.
  [[nodiscard]] std::function<void()> take_after_reply();

  class Session;

 private:
  void serve(boost::asio::local::stream_protocol::socket socket);
  void forget(const std::shared_ptr<Session>& session);

  boost::asio::io_context& io_;
  AcceptLoop<boost::asio::local::stream_protocol> listener_;
  std::filesystem::path path_;  // of the socket we created (empty: none)
  std::map<std::string, Handler, std::less<>> handlers_;
  std::function<void()> after_reply_;
  std::set<std::shared_ptr<Session>> sessions_;
};

}  // namespace zoned::server
