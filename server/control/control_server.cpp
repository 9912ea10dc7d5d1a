#include "server/control/control_server.hpp"

#include <sys/un.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <system_error>
#include <utility>

namespace zoned::server {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

namespace {

// The path as given if nothing is there or only a dead socket (removed); an
// error if a file that is not a socket, or a live zoned, holds it.
Result<bool> clear_stale_socket(asio::io_context& io, const std::filesystem::path& path) {
  std::error_code fs_error;
  const auto status = std::filesystem::symlink_status(path, fs_error);
  if (fs_error || !std::filesystem::exists(status)) return true;
  if (status.type() != std::filesystem::file_type::socket)
    return Error{"control socket " + path.string() + " exists and is not a socket; not replacing it"};
  Local::socket probe(io);
  boost::system::error_code error;
  probe.connect(Local::endpoint(path.string()), error);
  if (!error)
    return Error{"another zoned answers on the control socket " + path.string() +
                 " (stop it, or give this one another control: socket:)"};
  if (error != asio::error::connection_refused)
    return Error{"cannot check the control socket " + path.string() + ": " + error.message()};
  if (!std::filesystem::remove(path, fs_error))
    return Error{"cannot remove the stale control socket " + path.string() + ": " +
                 fs_error.message()};
  spdlog::info("control: removed the stale socket {}", path.string());
  return true;
}

// A missing socket directory (a fresh /run/zoned, the example's run/) is
// made, private to the owner and group as the socket itself.
Result<bool> make_socket_directory(const std::filesystem::path& directory) {
  std::error_code error;
  if (directory.empty() || std::filesystem::exists(directory, error)) return true;
  if (!std::filesystem::create_directories(directory, error) && error)
    return Error{"cannot create the control socket's directory " + directory.string() + ": " +
                 error.message()};
  using std::filesystem::perms;
  std::filesystem::permissions(
      directory, perms::owner_all | perms::group_read | perms::group_exec, error);
  return true;
}

}  // namespace

// One client connection: read a frame, answer it, read the next.
class ControlServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ControlServer& server, Local::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()) {}

  void start() { read_header(); }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    server_.forget(shared_from_this());
  }

 private:
  void read_header() {
    arm(kIdleTimeout);
    asio::async_read(socket_, asio::buffer(header_),
                     [self = shared_from_this()](const boost::system::error_code& error,
                                                 std::size_t) { self->on_header(error); });
  }

  void on_header(const boost::system::error_code& error) {
    if (error || closed_) return close();
    const ctl::FrameHeader header = ctl::parse_frame_header(header_, ctl::kMaxRequestSize);
    switch (header.status) {
      case ctl::FrameHeader::Status::Ok: break;
      case ctl::FrameHeader::Status::BadMagic: return close();  // not a zonectl: say nothing
      case ctl::FrameHeader::Status::BadVersion:
      case ctl::FrameHeader::Status::TooLarge:
        return reply(ctl::Reply::failure(ctl::describe_refusal(header)), /*then_close=*/true);
    }
    payload_.resize(header.length);
    arm(kRequestTimeout);
    asio::async_read(socket_, asio::buffer(payload_),
                     [self = shared_from_this()](const boost::system::error_code& read_error,
                                                 std::size_t) { self->on_payload(read_error); });
  }

  void on_payload(const boost::system::error_code& error) {
    if (error || closed_) return close();
    auto request = ctl::decode_request(payload_);
    payload_ = {};
    if (!request) return reply(ctl::Reply::failure(request.error()), /*then_close=*/true);
    spdlog::debug("control: {} ({} argument(s))", request->command, request->args.size());
    const ctl::Reply answer = server_.dispatch(*request);
    reply(answer, /*then_close=*/false, server_.take_after_reply());
  }

  void reply(const ctl::Reply& answer, bool then_close, std::function<void()> after = {}) {
    out_ = ctl::encode_reply(answer);
    if (out_.size() - ctl::kFrameHeaderSize > ctl::kMaxReplySize)
      out_ = ctl::encode_reply(ctl::Reply::failure("the reply is too large for the control channel"));
    arm(kReplyTimeout);
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), then_close, after = std::move(after)](
                          const boost::system::error_code& error, std::size_t) {
                        self->out_ = {};
                        if (after) after();
                        if (error || then_close || self->closed_) return self->close();
                        self->read_header();
                      });
  }

  // Closes the connection when the operation now started has not finished in
  // `timeout`. The generation tells a replaced deadline whose expiry was
  // already queued from the current one.
  void arm(std::chrono::seconds timeout) {
    timer_.expires_after(timeout);  // cancels the previous wait
    timer_.async_wait([self = shared_from_this(), generation = ++deadline_generation_](
                          const boost::system::error_code& error) {
      if (!error && generation == self->deadline_generation_) self->close();
    });
  }

  ControlServer& server_;
  Local::socket socket_;
  asio::steady_timer timer_;
  std::array<std::uint8_t, ctl::kFrameHeaderSize> header_{};
  std::string payload_;
  std::string out_;
  std::uint64_t deadline_generation_ = 0;
  bool closed_ = false;
};

ControlServer::ControlServer(asio::io_context& io) : io_(io), listener_(io) {}

ControlServer::~ControlServer() { stop(); }

void ControlServer::add(std::string name, Handler handler) {
  handlers_.insert_or_assign(std::move(name), std::move(handler));
}

void ControlServer::after_reply(std::function<void()> action) { after_reply_ = std::move(action); }

std::function<void()> ControlServer::take_after_reply() { return std::exchange(after_reply_, {}); }

Result<bool> ControlServer::start(const ControlConfig& config) {
  if (config.socket.empty()) return true;
  const std::filesystem::path& path = config.socket;
  if (path.native().size() >= sizeof(sockaddr_un::sun_path))
    return Error{"control socket path " + path.string() + " is too long (" +
                 std::to_string(path.native().size()) + " bytes; a Unix socket path has at most " +
                 std::to_string(sizeof(sockaddr_un::sun_path) - 1) + ")"};
  if (auto made = make_socket_directory(path.parent_path()); !made) return made;
  if (auto cleared = clear_stale_socket(io_, path); !cleared) return cleared;

  auto& acceptor = listener_.acceptor();
  boost::system::error_code error;
  const auto fail = [&](const char* what) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return Error{std::string("cannot ") + what + " the control socket " + path.string() + ": " +
                 error.message()};
  };
  if (acceptor.open(Local(), error); error) return fail("open");
  if (acceptor.bind(Local::endpoint(path.string()), error); error) return fail("bind");
  path_ = path;
  // The owner and its group may control the daemon; the directory decides who reaches it.
  using std::filesystem::perms;
  std::error_code chmod_error;
  std::filesystem::permissions(
      path, perms::owner_read | perms::owner_write | perms::group_read | perms::group_write,
      chmod_error);
  if (chmod_error)
    spdlog::warn("control: cannot make {} mode 0660: {}", path.string(), chmod_error.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, error); error)
    return fail("listen on");
  listener_.start([this](Local::socket socket) { serve(std::move(socket)); });
  return true;
}

void ControlServer::serve(Local::socket socket) {
  if (sessions_.size() >= kMaxSessions) {
    spdlog::warn("control: {} clients already connected; closing a new one", kMaxSessions);
    return;
  }
  auto session = std::make_shared<Session>(*this, std::move(socket));
  sessions_.insert(session);
  session->start();
}



void ControlServer::forget(const std::shared_ptr<Session>& session) { sessions_.erase(session); }

void ControlServer::stop() {
  listener_.close();
  for (const auto& session : std::exchange(sessions_, {})) session->close();
  if (path_.empty()) return;
  std::error_code error;
  std::filesystem::remove(path_, error);
  if (error) spdlog::warn("control: cannot remove {}: {}", path_.string(), error.message());
  path_.clear();
}

std::string ControlServer::describe() const { return path_.string(); }

ctl::Reply ControlServer::dispatch(const ctl::Request& request) {
  after_reply_ = {};
  const auto handler = handlers_.find(request.command);
  if (handler == handlers_.end())
    return ctl::Reply::failure("unknown command '" + request.command + "'");
  try {
    return handler->second(request.args);
  } catch (const std::exception& e) {
    // A handler's bug or exhausted memory must not end the daemon.
    spdlog::error("control: {} failed: {}", request.command, e.what());
    return ctl::Reply::failure(request.command + " failed: " + e.what());
  }
}

}  // namespace zoned::server
