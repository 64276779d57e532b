// The socket options Node has no API for. Each returns 0 or an errno value, so the caller
// decides how to report it (throw during set-up, or an error to a callback).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace net_extras {

// Longest TCP MD5 key the kernel accepts (TCP_MD5SIG_MAXKEYLEN).
constexpr size_t kMaxMd5KeyLength = 80;

// TTL (IPv4) or hop limit (IPv6) of unicast packets this socket sends.
int SetTtl(int fd, int family, int ttl);
// Type of service / traffic class byte (FRR marks BGP and BFD 0xc0, CS6 network control).
int SetTos(int fd, int family, int tos);
// GTSM (RFC 5082): the kernel drops received packets with a lower TTL / hop limit. TCP only.
int SetMinTtl(int fd, int family, int ttl);
// RFC 2385: sign (and require signatures on) segments to and from `peer`. An empty key removes
// the peer's key.
int SetMd5Key(int fd, const Endpoint& peer, const std::vector<uint8_t>& key);
// Sends and receives only through this interface (SO_BINDTODEVICE).
int BindToDevice(int fd, const std::string& name);
int SetFlag(int fd, int level, int option, int value);
// Asks the kernel to report each datagram's TTL / hop limit as a control message.
int ReceiveTtl(int fd, int family);

}  // namespace net_extras
