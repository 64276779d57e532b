// TCP sockets with the options BGP needs, for Node's net.Socket / net.Server to adopt by fd.
#pragma once

#include <napi.h>

#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace net_extras {

// What both ends of a BGP connection set before connect() / listen().
struct TcpSettings {
  int family = 4;
  std::optional<Endpoint> local;  // bind() here when set
  std::optional<int> ttl;
  std::optional<int> minTtl;
  std::optional<int> tos;
  std::optional<std::string> bindDevice;
};

// Reads family, local, localPort (or `portField`), ttl, minTtl, tos, bindDevice.
void ReadTcpSettings(OptionReader& reader, const char* portField, TcpSettings& out);

// A non-blocking TCP socket with the settings applied and bound. Returns the fd, or -1 after
// setting `errnum` and `syscall` (the fd is closed then).
int OpenTcpSocket(const TcpSettings& settings, int& errnum, std::string& syscall);

// tcpConnect(options, callback) → { cancel() }
void InitTcpConnect(Napi::Env env, Napi::Object exports);
// tcpServerSocket(options) → fd, setMd5(fd, family, address, key), closeFd(fd)
void InitTcpServer(Napi::Env env, Napi::Object exports);

}  // namespace net_extras
