// tcpConnect: a TCP connection with the options BGP needs set before the SYN (TCP MD5, TTL,
// GTSM, source address, interface), completed on the Node event loop, handed over as an fd for
// net.Socket to adopt. Set-up problems throw; the outcome of connect() goes to the callback.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <memory>

#include "socket_options.h"
#include "tcp.h"

namespace net_extras {
namespace {

class TcpConnect : public Napi::ObjectWrap<TcpConnect> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TcpConnect", {InstanceMethod("cancel", &TcpConnect::Cancel)});
  }

  // new TcpConnect(options, callback(err, fd))
  explicit TcpConnect(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TcpConnect>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "tcpConnect(options: object, callback: function)").ThrowAsJavaScriptException();
      return;
    }
    OptionReader reader(info[0].As<Napi::Object>());
    TcpSettings settings;
    ReadTcpSettings(reader, "localPort", settings);
    auto remoteText = reader.String("remote", true);
    auto port = reader.Integer("port", 1, 65535, true);
    auto key = reader.Bytes("md5Key");
    Endpoint remote;
    if (reader.ok()) {
      std::string problem = ParseEndpoint(settings.family, *remoteText, static_cast<uint16_t>(*port), remote);
      if (!problem.empty()) reader.Fail("options.remote: " + problem);
    }
    if (key && key->size() > kMaxMd5KeyLength) {
      reader.Fail("options.md5Key is " + std::to_string(key->size()) +
                  " bytes; a TCP MD5 key has at most 80 (TCP_MD5SIG_MAXKEYLEN)");
    }
    if (!reader.ok()) {
      Napi::TypeError::New(env, reader.error()).ThrowAsJavaScriptException();
      return;
    }
    target_ = (settings.family == 6 ? "[" + *remoteText + "]" : *remoteText) + ":" + std::to_string(*port);

    int errnum = 0;
    std::string syscall;
    fd_ = OpenTcpSocket(settings, errnum, syscall);
    if (fd_ < 0) {
      SystemError(env, errnum, syscall, target_).ThrowAsJavaScriptException();
      return;
    }
    // The key must be in place before the SYN: every segment of the connection is signed.
    if (key && !key->empty() && (errnum = SetMd5Key(fd_, remote, *key)) != 0) {
      Abort(env, errnum, "setsockopt TCP_MD5SIG");
      return;
    }
    if (connect(fd_, remote.get(), remote.length) < 0 && errno != EINPROGRESS) {
      Abort(env, errno, "connect");
      return;
    }
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    poll_ = new uv_poll_t;
    poll_->data = this;
    int status = uv_poll_init(loop, poll_, fd_);
    if (status != 0) {
      delete poll_;
      poll_ = nullptr;
      Abort(env, -status, "uv_poll_init");
      return;
    }
    status = uv_poll_start(poll_, UV_WRITABLE, OnWritable);
    if (status != 0) {
      StopPolling();
      Abort(env, -status, "uv_poll_start");
      return;
    }
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    context_ = std::make_unique<Napi::AsyncContext>(env, "net_extras.tcpConnect");
    Ref();  // stay alive while connecting, even if JavaScript drops the handle
  }

  ~TcpConnect() override {
    StopPolling();
    if (fd_ >= 0) close(fd_);
  }

 private:
  // cancel(): stops a connect in progress and closes its socket; the callback is not called.
  Napi::Value Cancel(const Napi::CallbackInfo& info) {
    if (poll_ != nullptr) {
      StopPolling();
      callback_.Reset();
      Unref();
    }
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return info.Env().Undefined();
  }

  void Abort(Napi::Env env, int errnum, const char* syscall) {
    close(fd_);
    fd_ = -1;
    SystemError(env, errnum, syscall, target_).ThrowAsJavaScriptException();
  }

  static void OnWritable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<TcpConnect*>(handle->data);
    if (self->poll_ == nullptr) return;
    // libuv reports POLLERR as UV_EBADF; the socket's own error says what happened.
    int error = 0;
    socklen_t errorLength = sizeof(error);
    if (getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &error, &errorLength) < 0) error = errno;
    if (error == 0 && status < 0) error = -status;
    if (error == 0) {
      sockaddr_storage peer{};
      socklen_t length = sizeof(peer);
      if (getpeername(self->fd_, reinterpret_cast<sockaddr*>(&peer), &length) < 0) error = errno;
    }
    // Close the poll handle before JavaScript adopts the fd: closing it later would remove the
    // fd from epoll under the new owner.
    self->StopPolling();
    Napi::Env env = self->callback_.Env();
    Napi::HandleScope scope(env);
    Napi::FunctionReference callback = std::move(self->callback_);
    int fd = self->fd_;
    self->fd_ = -1;
    if (error != 0) {
      close(fd);
      CallFromLoop(callback, *self->context_, {SystemError(env, error, "connect", self->target_).Value(), env.Undefined()});
    } else {
      CallFromLoop(callback, *self->context_, {env.Null(), Napi::Number::New(env, fd)});
    }
    self->Unref();
  }

  void StopPolling() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
  }

  int fd_ = -1;
  std::string target_;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

}  // namespace

void InitTcpConnect(Napi::Env env, Napi::Object exports) {
  auto* data = env.GetInstanceData<AddonData>();
  data->tcpConnect = Napi::Persistent(TcpConnect::Define(env));
  exports.Set("tcpConnect", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                auto* shared = info.Env().GetInstanceData<AddonData>();
                return shared->tcpConnect.New({info[0], info[1]});
              }));
}

}  // namespace net_extras
