#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "socket_options.h"
#include "tcp.h"

namespace net_extras {

void ReadTcpSettings(OptionReader& reader, const char* portField, TcpSettings& out) {
  out.family = static_cast<int>(reader.Integer("family", 4, 6, true).value_or(4));
  if (out.family != 4 && out.family != 6) reader.Fail("options.family must be 4 or 6");
  auto local = reader.String("local", false);
  auto port = reader.Integer(portField, 0, 65535, false);
  if (local || port) {
    Endpoint endpoint;
    std::string problem = ParseEndpoint(out.family, local.value_or(""), static_cast<uint16_t>(port.value_or(0)), endpoint);
    if (!problem.empty()) reader.Fail("options.local: " + problem);
    out.local = endpoint;
  }
  auto ttl = reader.Integer("ttl", 1, 255, false);
  if (ttl) out.ttl = static_cast<int>(*ttl);
  auto minTtl = reader.Integer("minTtl", 1, 255, false);
  if (minTtl) out.minTtl = static_cast<int>(*minTtl);
  auto tos = reader.Integer("tos", 0, 255, false);
  if (tos) out.tos = static_cast<int>(*tos);
  out.bindDevice = reader.String("bindDevice", false);
}

int OpenTcpSocket(const TcpSettings& settings, int& errnum, std::string& syscall) {
  int fd = socket(AddressFamily(settings.family), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    errnum = errno;
    syscall = "socket";
    return -1;
  }
  auto fail = [&](int error, const char* call) {
    errnum = error;
    syscall = call;
    close(fd);
    return -1;
  };
  int error = 0;
  if (settings.bindDevice && (error = BindToDevice(fd, *settings.bindDevice)) != 0) return fail(error, "setsockopt SO_BINDTODEVICE");
  // With GTSM both ends send with 255 and require a minimum; the caller passes both, as FRR does.
  if (settings.ttl && (error = SetTtl(fd, settings.family, *settings.ttl)) != 0) return fail(error, "setsockopt TTL");
  if (settings.minTtl && (error = SetMinTtl(fd, settings.family, *settings.minTtl)) != 0) return fail(error, "setsockopt MINTTL");
  if (settings.tos && (error = SetTos(fd, settings.family, *settings.tos)) != 0) return fail(error, "setsockopt TOS");
  if (settings.family == 6 && (error = SetFlag(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) != 0) return fail(error, "setsockopt IPV6_V6ONLY");
  if (settings.local) {
    bool fixedPort = PortOf(settings.local->storage) != 0;
    // A fixed port may be in TIME_WAIT from the last session; a source address alone should
    // not reserve an ephemeral port before connect() picks the 4-tuple.
    if (fixedPort && (error = SetFlag(fd, SOL_SOCKET, SO_REUSEADDR, 1)) != 0) return fail(error, "setsockopt SO_REUSEADDR");
    if (!fixedPort) SetFlag(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1);
    if (bind(fd, settings.local->get(), settings.local->length) < 0) return fail(errno, "bind");
  }
  return fd;
}

}  // namespace net_extras
