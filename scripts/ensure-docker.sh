#!/usr/bin/env bash
# Makes sure a Docker Engine answers on the local socket, installing Debian's packages and starting
# dockerd when none does. Also provides what the test suite needs: docker-compose (v1),
# a static busybox for FROM-scratch fixture images, docker-registry for local pulls, and OpenSSH's
# server (the several-hosts test starts its own sshd on 127.0.0.1 with a test key; the system service
# is not used).
set -euo pipefail

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need_pkgs+=(docker-compose)
[ -x /bin/busybox ] || command -v busybox >/dev/null 2>&1 || need_pkgs+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || need_pkgs+=(openssh-client)
# Private daemons in the fault and several-hosts tests get bridges of their own (ip) and TLS certificates (openssl).
command -v ip >/dev/null 2>&1 || need_pkgs+=(iproute2)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
command -v setpriv >/dev/null 2>&1 || need_pkgs+=(util-linux)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "ensure-docker: installing ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if docker version >/dev/null 2>&1; then
  exit 0
fi

echo "ensure-docker: starting dockerd in the background (log: /tmp/dockerd.log)" >&2
nohup dockerd --storage-driver=overlay2 >/tmp/dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker version >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "ensure-docker: dockerd did not answer within 60 s; see /tmp/dockerd.log" >&2
tail -n 30 /tmp/dockerd.log >&2 || true
exit 1
