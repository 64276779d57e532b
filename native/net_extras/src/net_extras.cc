// Socket options Node has no API for, for Herald's own BGP and BFD: TCP MD5 signatures
// (RFC 2385), TTL and GTSM minimum TTL (RFC 5082) on TCP, and UDP that reports each datagram's
// received TTL (RFC 5881 §5). Sockets are non-blocking and driven by the Node event loop.
#include <napi.h>

#include "common.h"
#include "tcp.h"
#include "udp_socket.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new net_extras::AddonData());
  net_extras::InitTcpConnect(env, exports);
  net_extras::InitTcpServer(env, exports);
  net_extras::InitUdpSocket(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(net_extras, Init)
