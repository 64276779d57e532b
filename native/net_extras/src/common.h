// Shared pieces of the net_extras addon: socket addresses from text, Node-style system errors,
// reading an options object, and calling JavaScript from a libuv callback.
#pragma once

#include <napi.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace net_extras {

// An address and port as the kernel wants it (sockaddr_in or sockaddr_in6).
struct Endpoint {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Per-environment data: the classes that factory functions instantiate.
struct AddonData {
  Napi::FunctionReference tcpConnect;
  Napi::FunctionReference udpSocket;
};

// AF_INET for 4, AF_INET6 for 6.
int AddressFamily(int family);

// Parses a numeric address of the given family; IPv6 may carry a zone ("fe80::1%eth0") for
// link-local peers. An empty text is the wildcard address. Returns an error text, or "" on success.
std::string ParseEndpoint(int family, const std::string& text, uint16_t port, Endpoint& out);

// "10.0.0.1", "fd00::1" or "fe80::1%eth0" (zone as interface name, like Node's dgram).
std::string FormatAddress(const sockaddr_storage& address);
uint16_t PortOf(const sockaddr_storage& address);

// An Error shaped like Node's system errors: message "<syscall> <detail>: ECODE (text)",
// properties code ("ECONNREFUSED"), errno (negative, as in Node) and syscall.
Napi::Error SystemError(Napi::Env env, int errnum, const std::string& syscall, const std::string& detail);

// Reads fields of an options object; the first problem is remembered as a message naming the
// field, so a caller reads everything and then throws one TypeError.
class OptionReader {
 public:
  explicit OptionReader(Napi::Object object) : object_(object) {}
  std::optional<int64_t> Integer(const char* name, int64_t min, int64_t max, bool required);
  std::optional<std::string> String(const char* name, bool required);
  std::optional<bool> Boolean(const char* name);
  // A string (its UTF-8 bytes) or a Uint8Array.
  std::optional<std::vector<uint8_t>> Bytes(const char* name);
  // Records a problem found by the caller (e.g. an address that does not parse).
  void Fail(const std::string& message);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  Napi::Object object_;
  std::string error_;
};

// Calls a JavaScript callback from a libuv callback (no JavaScript on the stack): through
// MakeCallback, so promises resolved in it settle at once, and an exception it throws becomes an
// uncaught exception, as with any event listener.
void CallFromLoop(const Napi::FunctionReference& callback, napi_async_context context,
                  const std::initializer_list<napi_value>& args);

}  // namespace net_extras
