{
  "targets": [
    {
      "target_name": "net_extras",
      "sources": [
        "src/net_extras.cc",
        "src/common.cc",
        "src/socket_options.cc",
        "src/tcp_connect.cc",
        "src/tcp_server.cc",
        "src/tcp_settings.cc",
        "src/udp_socket.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
    }
  ]
}
