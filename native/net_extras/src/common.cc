#include "common.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <uv.h>

#include <cmath>
#include <cstring>

namespace net_extras {

int AddressFamily(int family) { return family == 6 ? AF_INET6 : AF_INET; }

std::string ParseEndpoint(int family, const std::string& text, uint16_t port, Endpoint& out) {
  out = Endpoint{};
  if (family == 4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out.storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    if (!text.empty() && inet_pton(AF_INET, text.c_str(), &in->sin_addr) != 1) {
      return "'" + text + "' is not an IPv4 address";
    }
    out.length = sizeof(sockaddr_in);
    return "";
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  in6->sin6_addr = in6addr_any;
  std::string address = text;
  size_t percent = text.find('%');
  if (percent != std::string::npos) {
    std::string zone = text.substr(percent + 1);
    address = text.substr(0, percent);
    unsigned int index = if_nametoindex(zone.c_str());
    if (index == 0) return "zone '" + zone + "' of '" + text + "' is not an interface";
    in6->sin6_scope_id = index;
  }
  if (!address.empty() && inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) != 1) {
    return "'" + text + "' is not an IPv6 address";
  }
  out.length = sizeof(sockaddr_in6);
  return "";
}

std::string FormatAddress(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 1] = {0};
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr, text, sizeof(text));
    return text;
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
  inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
  std::string result = text;
  char name[IF_NAMESIZE] = {0};
  if (in6->sin6_scope_id != 0 && if_indextoname(in6->sin6_scope_id, name) != nullptr) {
    result += std::string("%") + name;
  }
  return result;
}

uint16_t PortOf(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
}

Napi::Error SystemError(Napi::Env env, int errnum, const std::string& syscall, const std::string& detail) {
  // libuv's error codes are negated errno values on Unix, so it names them for us.
  const char* code = uv_err_name(-errnum);
  std::string message = syscall + (detail.empty() ? "" : " " + detail) + ": " + code + " (" +
                        std::strerror(errnum) + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.Set("errno", Napi::Number::New(env, -errnum));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void OptionReader::Fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

std::optional<int64_t> OptionReader::Integer(const char* name, int64_t min, int64_t max, bool required) {
  Napi::Value value = object_.Get(name);
  if (value.IsUndefined() || value.IsNull()) {
    if (required) Fail(std::string("options.") + name + " is required");
    return std::nullopt;
  }
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(number) || std::floor(number) != number || number < static_cast<double>(min) ||
      number > static_cast<double>(max)) {
    Fail(std::string("options.") + name + " must be an integer in " + std::to_string(min) + ".." +
         std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int64_t>(number);
}

std::optional<std::string> OptionReader::String(const char* name, bool required) {
  Napi::Value value = object_.Get(name);
  if (value.IsUndefined() || value.IsNull()) {
    if (required) Fail(std::string("options.") + name + " is required");
    return std::nullopt;
  }
  if (!value.IsString()) {
    Fail(std::string("options.") + name + " must be a string");
    return std::nullopt;
  }
  return value.As<Napi::String>().Utf8Value();
}

std::optional<bool> OptionReader::Boolean(const char* name) {
  Napi::Value value = object_.Get(name);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsBoolean()) {
    Fail(std::string("options.") + name + " must be a boolean");
    return std::nullopt;
  }
  return value.As<Napi::Boolean>().Value();
}

std::optional<std::vector<uint8_t>> OptionReader::Bytes(const char* name) {
  Napi::Value value = object_.Get(name);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (value.IsString()) {
    std::string text = value.As<Napi::String>().Utf8Value();
    return std::vector<uint8_t>(text.begin(), text.end());
  }
  if (value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
    return std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ByteLength());
  }
  Fail(std::string("options.") + name + " must be a string or a Uint8Array");
  return std::nullopt;
}

void CallFromLoop(const Napi::FunctionReference& callback, napi_async_context context,
                  const std::initializer_list<napi_value>& args) {
  Napi::Env env = callback.Env();
  callback.MakeCallback(env.Global(), args, context);
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    napi_fatal_exception(env, error.Value());
  }
}

}  // namespace net_extras
