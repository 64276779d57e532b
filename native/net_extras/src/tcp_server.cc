// The passive side: a bound TCP socket with BGP's options for net.Server to listen on
// (`server.listen({ fd })`), per-peer TCP MD5 keys on it, and closing an fd nobody adopted.
// Accepted connections inherit the listener's TTL, minimum TTL and the key of their peer.
#include <unistd.h>

#include <cerrno>

#include "socket_options.h"
#include "tcp.h"

namespace net_extras {
namespace {

// tcpServerSocket({ family, local?, port, ttl?, minTtl?, tos?, bindDevice? }) → fd (bound, not listening)
Napi::Value TcpServerSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "tcpServerSocket(options: object)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  OptionReader reader(info[0].As<Napi::Object>());
  TcpSettings settings;
  ReadTcpSettings(reader, "port", settings);
  if (reader.ok() && !settings.local) reader.Fail("options.port is required");
  if (!reader.ok()) {
    Napi::TypeError::New(env, reader.error()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int errnum = 0;
  std::string syscall;
  int fd = OpenTcpSocket(settings, errnum, syscall);
  if (fd < 0) {
    SystemError(env, errnum, syscall, "").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

// setMd5(fd, family, address, key?): requires RFC 2385 signatures on connections with `address`
// (a listener checks them on the SYN); no key or an empty key removes the address's key.
Napi::Value SetMd5(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool keyOk = info.Length() < 4 || info[3].IsUndefined() || info[3].IsString() || info[3].IsTypedArray();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsString() || !keyOk) {
    Napi::TypeError::New(env, "setMd5(fd: number, family: 4 | 6, address: string, key?: string | Uint8Array)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  int family = info[1].As<Napi::Number>().Int32Value() == 6 ? 6 : 4;
  std::string address = info[2].As<Napi::String>().Utf8Value();
  std::vector<uint8_t> key;
  if (info.Length() >= 4 && info[3].IsString()) {
    std::string text = info[3].As<Napi::String>().Utf8Value();
    key.assign(text.begin(), text.end());
  } else if (info.Length() >= 4 && info[3].IsTypedArray()) {
    Napi::Uint8Array bytes = info[3].As<Napi::Uint8Array>();
    key.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
  }
  if (key.size() > kMaxMd5KeyLength) {
    Napi::TypeError::New(env, "key is " + std::to_string(key.size()) +
                                  " bytes; a TCP MD5 key has at most 80 (TCP_MD5SIG_MAXKEYLEN)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Endpoint peer;
  std::string problem = ParseEndpoint(family, address, 0, peer);
  if (!problem.empty()) {
    Napi::TypeError::New(env, problem).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int error = SetMd5Key(fd, peer, key);
  // Removing a key that was never set is not a failure worth reporting.
  if (error != 0 && !(key.empty() && error == ENOENT)) {
    SystemError(env, error, "setsockopt TCP_MD5SIG", address).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

// closeFd(fd): for an fd from tcpServerSocket or tcpConnect that was never adopted by Node.
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  if (info.Length() >= 1 && info[0].IsNumber()) {
    int fd = info[0].As<Napi::Number>().Int32Value();
    if (fd > 2) close(fd);
  }
  return info.Env().Undefined();
}

}  // namespace

void InitTcpServer(Napi::Env env, Napi::Object exports) {
  exports.Set("tcpServerSocket", Napi::Function::New(env, TcpServerSocket));
  exports.Set("setMd5", Napi::Function::New(env, SetMd5));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
}

}  // namespace net_extras
