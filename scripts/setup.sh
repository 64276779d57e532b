#!/usr/bin/env bash
# One-time, idempotent set-up on a fresh Debian machine (run as root, or with sudo available):
# system packages, Node dependencies from the lockfile, and the build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt "$need_node_major" ]; then
  echo "setup: Node.js >= ${need_node_major} is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian packages: compilers and headers for the native addon (node-gyp), the network tools the
# lab and integration tests use, and the routing daemons they peer with.
# chromium: the visualizer's browser test (driven by playwright-core; no browser download).
# etcd-server + openssl: the real Kubernetes control plane of the integration tests and of
# `herald lab up --k8s` (kube-apiserver itself is built from the Go module proxy by
# scripts/build-k8s.sh, below); etcd-client: etcdctl, with which the apiserver-outage test
# deletes a Service while the apiserver is down. nftables: `herald lab chaos` drops packets
# (partitions, one-way and random loss; this kernel has no netem qdisc).
# keepalived: the peer `herald lab failover-bench --compare keepalived` measures Herald against.
# frr-pythontools: frr-reload.py, with which the speaker's FRR backend applies only what changed.
APT_PACKAGES=(build-essential python3 iproute2 iputils-ping iputils-arping ndisc6 tcpdump curl procps
  frr frr-pythontools bird2 chromium etcd-server etcd-client openssl nftables keepalived)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi


if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
# kube-apiserver and kubectl for the Kubernetes tests and `herald lab up --k8s`: built once from the
# Go module proxy (needs Go >= 1.25; ~4 min cold on 2 cores), cached in ~/.cache/herald by version.
scripts/build-k8s.sh >/dev/null
echo "setup: done (bin/herald is ready)"
