#include "ctl/zonectl/daemon_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace zoned::ctl {
namespace {

// Closes the descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

std::string connect_error(const std::filesystem::path& socket, int error) {
  const std::string prefix = "cannot connect to " + socket.string() + ": ";
  switch (error) {
    case ENOENT:
      return prefix + "no such socket (is zoned running, with this control: socket:?)";
    case ECONNREFUSED:
      return prefix + "no zoned is running (connection refused)";
    case EACCES:
    case EPERM:
      return prefix + "permission denied (the socket's owner and group may control zoned)";
    case ENOTSOCK:
      return prefix + "not a socket";
    default:
      return prefix + std::strerror(error);
  }
}

Result<bool> send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) {
      if (errno == EPIPE || errno == ECONNRESET)
        return Error{"zoned closed the connection before taking the request"};
      return Error{std::string("cannot send the request: ") + std::strerror(errno)};
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

Result<bool> receive_all(int fd, char* out, std::size_t size, std::chrono::seconds timeout) {
  while (size > 0) {
    const ssize_t got = ::recv(fd, out, size, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return Error{"no reply from zoned within " + std::to_string(timeout.count()) + " s"};
    if (got < 0) return Error{std::string("cannot read the reply: ") + std::strerror(errno)};
    if (got == 0) return Error{"zoned closed the connection without a reply"};
    out += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

Result<std::filesystem::path> socket_from_config(const std::filesystem::path& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(config.string());
  } catch (const YAML::BadFile&) {
    return Error{"cannot read " + config.string() + ": " + std::strerror(errno)};
  } catch (const YAML::Exception& e) {
    return Error{config.string() + ": not a zoned config (" + e.what() + ")"};
  }
  try {
    const YAML::Node socket = root.IsMap() && root["control"].IsMap() ? root["control"]["socket"]
                                                                      : YAML::Node();
    if (!socket.IsScalar() || socket.Scalar().empty())
      return Error{config.string() + " has no control: socket: (zoned's control channel is off)"};
    const std::filesystem::path path = socket.Scalar();
    if (path.is_absolute()) return path;
    std::error_code error;
    const auto base = std::filesystem::absolute(config, error).parent_path();
    return (base / path).lexically_normal();
  } catch (const YAML::Exception& e) {
    return Error{config.string() + ": control: socket: is not a path (" + e.what() + ")"};
  }
}

Result<std::filesystem::path> find_socket(const SocketChoice& choice) {
  if (!choice.socket.empty()) return std::filesystem::path(choice.socket);
  if (!choice.config.empty()) return socket_from_config(choice.config);
  std::error_code error;
  if (std::filesystem::exists(kDefaultConfig, error)) return socket_from_config(kDefaultConfig);
  return std::filesystem::path(kDefaultSocket);
}

Result<Reply> call_daemon(const std::filesystem::path& socket, const Request& request,
                          std::chrono::seconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& path = socket.native();
  if (path.empty() || path.size() >= sizeof(address.sun_path))
    return Error{"cannot connect to " + path + ": not a usable socket path"};
  std::memcpy(address.sun_path, path.data(), path.size());

  const Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Error{std::string("cannot make a socket: ") + std::strerror(errno)};
  const timeval limit{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    return Error{connect_error(socket, errno)};

  const std::string frame = encode_request(request);
  if (frame.size() - kFrameHeaderSize > kMaxRequestSize)
    return Error{"the request is too large for the control channel (" +
                 std::to_string(frame.size()) + " bytes)"};
  if (auto sent = send_all(fd.get(), frame); !sent) return Error{sent.error()};
  std::array<std::uint8_t, kFrameHeaderSize> header_bytes{};
  if (auto got = receive_all(fd.get(), reinterpret_cast<char*>(header_bytes.data()),
                             header_bytes.size(), timeout);
      !got)
    return Error{got.error()};
  const FrameHeader header = parse_frame_header(header_bytes, kMaxReplySize);
  if (header.status != FrameHeader::Status::Ok)
    return Error{"bad reply from " + path + ": " + describe_refusal(header)};
  std::string payload(header.length, '\0');
  if (auto got = receive_all(fd.get(), payload.data(), payload.size(), timeout); !got)
    return Error{got.error()};
  auto reply = decode_reply(payload);
  if (!reply) return Error{"bad reply from " + path + ": " + reply.error()};
  return std::move(*reply);
}

}  // namespace zoned::ctl
