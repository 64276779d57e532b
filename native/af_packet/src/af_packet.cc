// A minimal AF_PACKET socket for Node: Linux has no Node API for sending and receiving whole
// Ethernet frames, which ARP (and NDP on interfaces without an address) needs. One socket per
// interface and protocol; frames arrive through a libuv poll handle on the Node event loop.
#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

std::string ErrnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

class PacketSocket : public Napi::ObjectWrap<PacketSocket> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "PacketSocket",
                                      {InstanceMethod("send", &PacketSocket::Send),
                                       InstanceMethod("start", &PacketSocket::Start),
                                       InstanceMethod("close", &PacketSocket::Close),
                                       InstanceMethod("setAllMulticast", &PacketSocket::SetAllMulticast),
                                       InstanceAccessor("mac", &PacketSocket::Mac, nullptr),
                                       InstanceAccessor("ifindex", &PacketSocket::IfIndex, nullptr),
                                       InstanceAccessor("errors", &PacketSocket::Errors, nullptr)});
    exports.Set("PacketSocket", ctor);
    return exports;
  }

  // new PacketSocket(interfaceName, ethertype)
  explicit PacketSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketSocket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
      Napi::TypeError::New(env, "PacketSocket(interfaceName: string, ethertype: number)").ThrowAsJavaScriptException();
      return;
    }
    std::string name = info[0].As<Napi::String>().Utf8Value();
    protocol_ = static_cast<uint16_t>(info[1].As<Napi::Number>().Uint32Value());
    if (name.size() >= IFNAMSIZ) {
      Napi::Error::New(env, "interface name too long").ThrowAsJavaScriptException();
      return;
    }
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(protocol_));
    if (fd_ < 0) {
      Napi::Error::New(env, ErrnoText("socket(AF_PACKET)")).ThrowAsJavaScriptException();
      return;
    }
    struct ifreq ifr {};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (ioctl(fd_, SIOCGIFINDEX, &ifr) < 0) {
      std::string text = ErrnoText(("interface " + name).c_str());
      CloseFd();
      Napi::Error::New(env, text).ThrowAsJavaScriptException();
      return;
    }
    ifindex_ = ifr.ifr_ifindex;
    if (ioctl(fd_, SIOCGIFHWADDR, &ifr) < 0) {
      std::string text = ErrnoText("SIOCGIFHWADDR");
      CloseFd();
      Napi::Error::New(env, text).ThrowAsJavaScriptException();
      return;
    }
    std::memcpy(mac_, ifr.ifr_hwaddr.sa_data, 6);
    struct sockaddr_ll addr {};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(protocol_);
    addr.sll_ifindex = ifindex_;
    if (bind(fd_, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0) {
      std::string text = ErrnoText("bind");
      CloseFd();
      Napi::Error::New(env, text).ThrowAsJavaScriptException();
      return;
    }
  }

  ~PacketSocket() override { CloseFd(); }

 private:
  // send(frame: Uint8Array): sends one whole Ethernet frame; throws on failure.
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) {
      Napi::Error::New(env, "socket is closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (info.Length() < 1 || !info[0].IsTypedArray()) {
      Napi::TypeError::New(env, "send(frame: Uint8Array)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
    ssize_t sent = send(fd_, frame.Data(), frame.ByteLength(), 0);
    if (sent < 0) {
      Napi::Error::New(env, ErrnoText("send")).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return Napi::Number::New(env, static_cast<double>(sent));
  }

  // start(onFrame: (frame: Buffer, outgoing: boolean) => void): starts delivering frames.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0 || poll_ != nullptr) {
      Napi::Error::New(env, fd_ < 0 ? "socket is closed" : "already started").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (info.Length() < 1 || !info[0].IsFunction()) {
      Napi::TypeError::New(env, "start(onFrame: function)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    callback_ = Napi::Persistent(info[0].As<Napi::Function>());
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    poll_ = new uv_poll_t;
    poll_->data = this;
    uv_poll_init(loop, poll_, fd_);
    uv_poll_start(poll_, UV_READABLE, OnReadable);
    Ref();  // stay alive while polling
    return env.Undefined();
  }

  // setAllMulticast(on: boolean): receive every multicast frame (solicited-node groups of VIPs).
  Napi::Value SetAllMulticast(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    struct packet_mreq mreq {};
    mreq.mr_ifindex = ifindex_;
    mreq.mr_type = PACKET_MR_ALLMULTI;
    bool on = info.Length() > 0 && info[0].ToBoolean().Value();
    if (setsockopt(fd_, SOL_PACKET, on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
      Napi::Error::New(env, ErrnoText("PACKET_ADD_MEMBERSHIP")).ThrowAsJavaScriptException();
    }
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    StopPolling();
    CloseFd();
    return info.Env().Undefined();
  }

  Napi::Value Mac(const Napi::CallbackInfo& info) {
    return Napi::Buffer<uint8_t>::Copy(info.Env(), mac_, 6);
  }

  Napi::Value IfIndex(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ifindex_); }

  // Socket errors polling has survived (interface down/up, ...).
  Napi::Value Errors(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), errors_); }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<PacketSocket*>(handle->data);
    if (self->fd_ < 0) return;
    if (status < 0) {
      // libuv stops a poll handle on POLLERR, which an AF_PACKET socket raises when its
      // interface goes down (ENETDOWN). Clear the socket's error and keep listening, as
      // net_extras does: the kernel re-attaches the socket when the interface comes back up,
      // and a responder must answer again without being re-opened.
      int error = 0;
      socklen_t length = sizeof(error);
      getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &error, &length);
      self->errors_++;
      uv_poll_start(handle, UV_READABLE, OnReadable);
      return;
    }
    Napi::Env env = self->callback_.Env();
    Napi::HandleScope scope(env);
    uint8_t buffer[65536];
    for (int i = 0; i < 64; i++) {  // drain a burst, then yield to the loop
      struct sockaddr_ll from {};
      socklen_t fromLength = sizeof(from);
      ssize_t n = recvfrom(self->fd_, buffer, sizeof(buffer), 0, reinterpret_cast<struct sockaddr*>(&from), &fromLength);
      if (n < 0) break;
      bool outgoing = from.sll_pkttype == PACKET_OUTGOING;
      self->callback_.Call({Napi::Buffer<uint8_t>::Copy(env, buffer, static_cast<size_t>(n)), Napi::Boolean::New(env, outgoing)});
      if (self->fd_ < 0) break;  // closed from the callback
    }
  }

  void StopPolling() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
    poll_ = nullptr;
    callback_.Reset();
    Unref();
  }

  void CloseFd() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  int fd_ = -1;
  int ifindex_ = 0;
  double errors_ = 0;
  uint16_t protocol_ = 0;
  uint8_t mac_[6] = {0};
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference callback_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) { return PacketSocket::Init(env, exports); }

}  // namespace

NODE_API_MODULE(af_packet, Init)
