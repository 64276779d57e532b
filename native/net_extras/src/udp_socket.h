// udpSocket(options) → { start(onMessage), send(data, address, port), close(), localPort }
#pragma once

#include <napi.h>

namespace net_extras {
void InitUdpSocket(Napi::Env env, Napi::Object exports);
}
