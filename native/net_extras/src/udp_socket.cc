// udpSocket: a UDP socket that reports the TTL / hop limit each datagram arrived with (dgram
// cannot) and sends with a chosen TTL: what single-hop BFD (RFC 5881 §5) and GTSM checks need.
// Datagrams arrive through a libuv poll handle on the Node event loop, as in af_packet.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common.h"
#include "socket_options.h"
#include "udp_socket.h"

namespace net_extras {
namespace {

class UdpSocket : public Napi::ObjectWrap<UdpSocket> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "UdpSocket",
                       {InstanceMethod("start", &UdpSocket::Start), InstanceMethod("send", &UdpSocket::Send),
                        InstanceMethod("close", &UdpSocket::Close),
                        InstanceAccessor("localPort", &UdpSocket::LocalPort, nullptr)});
  }

  // new UdpSocket({ family, local?, port?, bindDevice?, ttl?, tos?, reuseAddress? })
  explicit UdpSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpSocket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "udpSocket(options: object)").ThrowAsJavaScriptException();
      return;
    }
    OptionReader reader(info[0].As<Napi::Object>());
    family_ = static_cast<int>(reader.Integer("family", 4, 6, true).value_or(4));
    if (family_ != 4 && family_ != 6) reader.Fail("options.family must be 4 or 6");
    auto local = reader.String("local", false);
    auto port = reader.Integer("port", 0, 65535, false);
    auto device = reader.String("bindDevice", false);
    auto ttl = reader.Integer("ttl", 1, 255, false);
    auto tos = reader.Integer("tos", 0, 255, false);
    // Shared by default so a restarted agent can bind 3784 again at once; a sender picking a
    // free source port turns it off, or a taken port would look free.
    bool reuse = reader.Boolean("reuseAddress").value_or(true);
    bool highFd = reader.Boolean("highFd").value_or(false);
    Endpoint endpoint;
    if (reader.ok()) {
      std::string problem = ParseEndpoint(family_, local.value_or(""), static_cast<uint16_t>(port.value_or(0)), endpoint);
      if (!problem.empty()) reader.Fail("options.local: " + problem);
    }
    if (!reader.ok()) {
      Napi::TypeError::New(env, reader.error()).ThrowAsJavaScriptException();
      return;
    }
    fd_ = socket(AddressFamily(family_), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      SystemError(env, errno, "socket", "").ThrowAsJavaScriptException();
      return;
    }
    if (highFd) MoveToHighFd();
    int error = 0;
    const char* call = "";
    if (reuse && (error = SetFlag(fd_, SOL_SOCKET, SO_REUSEADDR, 1)) != 0) call = "setsockopt SO_REUSEADDR";
    if (!error && family_ == 6 && (error = SetFlag(fd_, IPPROTO_IPV6, IPV6_V6ONLY, 1)) != 0) call = "setsockopt IPV6_V6ONLY";
    if (!error && (error = ReceiveTtl(fd_, family_)) != 0) call = "setsockopt RECVTTL";
    if (!error && ttl && (error = SetTtl(fd_, family_, static_cast<int>(*ttl))) != 0) call = "setsockopt TTL";
    if (!error && tos && (error = SetTos(fd_, family_, static_cast<int>(*tos))) != 0) call = "setsockopt TOS";
    if (!error && device && (error = BindToDevice(fd_, *device)) != 0) call = "setsockopt SO_BINDTODEVICE";
    if (!error && bind(fd_, endpoint.get(), endpoint.length) < 0) {
      error = errno;
      call = "bind";
    }
    if (error != 0) {
      CloseFd();
      SystemError(env, error, call, local.value_or("") + ":" + std::to_string(port.value_or(0))).ThrowAsJavaScriptException();
    }
  }

  ~UdpSocket() override { CloseFd(); }

 private:
  // Moves the socket to a descriptor above those the process normally uses. A process killed
  // with SIGKILL releases its sockets last-closed-first (the kernel's exit runs the deferred
  // releases in reverse), and an AF_PACKET socket's release waits for an RCU grace period
  // (10-30 ms here). A socket whose closing others watch for (liveness: the port unreachable
  // that follows) is released first when its descriptor is the highest. Best effort: it stays
  // where it is if the descriptor limit leaves no room.
  void MoveToHighFd() {
    constexpr rlim_t kWanted = 1000;
    struct rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur <= 64) return;
    rlim_t floor = limit.rlim_cur > kWanted ? kWanted : limit.rlim_cur - 16;
    int moved = fcntl(fd_, F_DUPFD_CLOEXEC, static_cast<int>(floor));
    if (moved < 0) return;
    close(fd_);
    fd_ = moved;
  }

  // start(onMessage(data: Buffer, address: string, port: number, ttl: number)); ttl is -1 if
  // the kernel gave none.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0 || poll_ != nullptr) {
      Napi::Error::New(env, fd_ < 0 ? "socket is closed" : "already started").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (info.Length() < 1 || !info[0].IsFunction()) {
      Napi::TypeError::New(env, "start(onMessage: function)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    poll_ = new uv_poll_t;
    poll_->data = this;
    int status = uv_poll_init(loop, poll_, fd_);
    if (status != 0) {
      delete poll_;
      poll_ = nullptr;
      SystemError(env, -status, "uv_poll_init", "").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    uv_poll_start(poll_, UV_READABLE, OnReadable);
    callback_ = Napi::Persistent(info[0].As<Napi::Function>());
    context_ = std::make_unique<Napi::AsyncContext>(env, "net_extras.udpSocket");
    Ref();  // stay alive while polling
    return env.Undefined();
  }

  // send(data: Uint8Array, address: string, port: number) → bytes sent; throws a system error
  // (EAGAIN when the send buffer is full, ENETUNREACH, ...).
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsTypedArray() || !info[1].IsString() || !info[2].IsNumber()) {
      Napi::TypeError::New(env, "send(data: Uint8Array, address: string, port: number)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (fd_ < 0) {
      Napi::Error::New(env, "socket is closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::string address = info[1].As<Napi::String>().Utf8Value();
    uint32_t port = info[2].As<Napi::Number>().Uint32Value();
    Endpoint to;
    std::string problem = port > 65535 ? "port out of range" : ParseEndpoint(family_, address, static_cast<uint16_t>(port), to);
    if (!problem.empty() || address.empty()) {
      Napi::TypeError::New(env, problem.empty() ? "address is empty" : problem).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::TypedArray data = info[0].As<Napi::TypedArray>();
    const auto* bytes = static_cast<const uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    ssize_t sent = sendto(fd_, bytes, data.ByteLength(), 0, to.get(), to.length);
    if (sent < 0) {
      SystemError(env, errno, "sendto", address + ":" + std::to_string(port)).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return Napi::Number::New(env, static_cast<double>(sent));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    StopPolling();
    CloseFd();
    return info.Env().Undefined();
  }

  Napi::Value LocalPort(const Napi::CallbackInfo& info) {
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    if (fd_ < 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length) < 0) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), PortOf(local));
  }

  static int TtlOf(msghdr& message) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL;
      bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT;
      if (v4 || v6) {
        int ttl = -1;
        std::memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
        return ttl;
      }
    }
    return -1;
  }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<UdpSocket*>(handle->data);
    if (self->fd_ < 0) return;
    if (status < 0) {
      // libuv stops a poll handle on POLLERR: clear the socket's error and keep listening, or
      // one ICMP error would silence BFD for good.
      int error = 0;
      socklen_t length = sizeof(error);
      getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &error, &length);
      uv_poll_start(handle, UV_READABLE, OnReadable);
    }
    Napi::Env env = self->callback_.Env();
    Napi::HandleScope scope(env);
    uint8_t buffer[65536];
    alignas(cmsghdr) char control[256];
    for (int i = 0; i < 64; i++) {  // drain a burst, then yield to the loop
      sockaddr_storage from{};
      iovec part{buffer, sizeof(buffer)};
      msghdr message{};
      message.msg_name = &from;
      message.msg_namelen = sizeof(from);
      message.msg_iov = &part;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof(control);
      ssize_t n = recvmsg(self->fd_, &message, MSG_DONTWAIT);
      if (n < 0) break;
      Napi::HandleScope each(env);
      CallFromLoop(self->callback_, *self->context_,
                   {Napi::Buffer<uint8_t>::Copy(env, buffer, static_cast<size_t>(n)),
                    Napi::String::New(env, FormatAddress(from)), Napi::Number::New(env, PortOf(from)),
                    Napi::Number::New(env, TtlOf(message))});
      if (self->fd_ < 0) break;  // closed from the callback
    }
  }

  void StopPolling() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
    callback_.Reset();
    Unref();
  }

  void CloseFd() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  int fd_ = -1;
  int family_ = 4;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

}  // namespace

void InitUdpSocket(Napi::Env env, Napi::Object exports) {
  auto* data = env.GetInstanceData<AddonData>();
  data->udpSocket = Napi::Persistent(UdpSocket::Define(env));
  exports.Set("udpSocket", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                return info.Env().GetInstanceData<AddonData>()->udpSocket.New({info[0]});
              }));
}

}  // namespace net_extras
