#include "socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace net_extras {

int SetFlag(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof(value)) < 0 ? errno : 0;
}

int SetTtl(int fd, int family, int ttl) {
  return family == 6 ? SetFlag(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl) : SetFlag(fd, IPPROTO_IP, IP_TTL, ttl);
}

int SetTos(int fd, int family, int tos) {
  return family == 6 ? SetFlag(fd, IPPROTO_IPV6, IPV6_TCLASS, tos) : SetFlag(fd, IPPROTO_IP, IP_TOS, tos);
}

int SetMinTtl(int fd, int family, int ttl) {
  return family == 6 ? SetFlag(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, ttl) : SetFlag(fd, IPPROTO_IP, IP_MINTTL, ttl);
}

int SetMd5Key(int fd, const Endpoint& peer, const std::vector<uint8_t>& key) {
  if (key.size() > kMaxMd5KeyLength) return EINVAL;
  tcp_md5sig signature{};
  std::memcpy(&signature.tcpm_addr, &peer.storage, peer.length);
  signature.tcpm_keylen = static_cast<uint16_t>(key.size());
  if (!key.empty()) std::memcpy(signature.tcpm_key, key.data(), key.size());
  return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &signature, sizeof(signature)) < 0 ? errno : 0;
}

int BindToDevice(int fd, const std::string& name) {
  return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name.c_str(), static_cast<socklen_t>(name.size() + 1)) < 0
             ? errno
             : 0;
}

int ReceiveTtl(int fd, int family) {
  return family == 6 ? SetFlag(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) : SetFlag(fd, IPPROTO_IP, IP_RECVTTL, 1);
}

}  // namespace net_extras
