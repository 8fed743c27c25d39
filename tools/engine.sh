#!/usr/bin/env bash
# Install and start a real Docker engine for multi-platform builds on a
# Debian 12 machine that reaches only Debian's mirror and package registries.
#
#   bash tools/engine.sh          install and start everything (idempotent)
#   bash tools/engine.sh status   what is running, with PIDs
#   bash tools/engine.sh stop     stop what this script started, by PID file
#
# Steps, each skipped when already done:
#   1. bookworm packages: runc, tini, mmdebstrap, arch-test, curl.
#   2. trixie packages: dockerd 26, buildx 0.13, containerd 1.7, the
#      distribution registry, and QEMU 10's static aarch64 and arm emulators.
#      They are unpacked with `dpkg -x` under $ENGINE_DIR/root, so no
#      maintainer script runs and the host's libc is untouched. QEMU 10 is
#      used because it runs Python under emulation several times faster than
#      bookworm's QEMU 7.2 (an estimate from earlier runs, not measured here).
#   3. binfmt_misc handlers for linux/arm64 and linux/arm/v7 with the F flag,
#      so emulation also works inside containers that have no QEMU.
#   4. dockerd with the containerd image store, no bridge network (builds and
#      containers use --network host or none), and 127.0.0.1:$REGISTRY_PORT
#      as its Docker Hub mirror.
#   5. the registry on 127.0.0.1:$REGISTRY_PORT.
#   6. a linux/amd64 + linux/arm64 base image python:3.13-slim made from
#      Debian trixie packages with mmdebstrap, pushed to the local registry,
#      so that `FROM python:3.13-slim` resolves through the mirror.
#
# Everything listens on 127.0.0.1 or a unix socket.
set -euo pipefail

ENGINE_DIR=${ENGINE_DIR:-/opt/mab-engine}
ROOT=$ENGINE_DIR/root
QEMU_DIR=$ENGINE_DIR/qemu
LOG_DIR=${LOG_DIR:-/var/log/mab-engine}
PID_DIR=${PID_DIR:-/var/run/mab-engine}
BASE_CACHE=${BASE_CACHE:-/var/cache/mab-engine/base}
REGISTRY_DIR=${REGISTRY_DIR:-/var/lib/mab-engine/registry}
REGISTRY_PORT=${REGISTRY_PORT:-5000}
TRIXIE_APT_DIR=/etc/apt/mab-trixie
BASE_SUITE=trixie
BASE_PYTHON=3.13
HOST_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

T0=$(date +%s)
log() { printf '[engine %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() { echo "engine: $*" >&2; exit 1; }
is_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
export PATH="$ROOT/usr/bin:$ROOT/usr/sbin:$PATH"

stop_all() {
  local name pid_file pid
  for name in registry dockerd; do
    pid_file=$PID_DIR/$name.pid
    if is_alive "$pid_file"; then
      pid=$(cat "$pid_file")
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      echo "stopped $name (pid $pid)"
    fi
    rm -f "$pid_file"
  done
}

show_status() {
  local name
  for name in dockerd registry; do
    if is_alive "$PID_DIR/$name.pid"; then echo "$name: running, pid $(cat "$PID_DIR/$name.pid")"; else echo "$name: not running"; fi
  done
  for name in qemu-aarch64 qemu-arm; do
    if [ -e "/proc/sys/fs/binfmt_misc/$name" ]; then echo "binfmt $name: $(head -1 "/proc/sys/fs/binfmt_misc/$name")"; else echo "binfmt $name: not registered"; fi
  done
  docker buildx ls 2>/dev/null || true
}

# The Debian mirror that this machine's apt already uses.
find_debian_mirror() {
  local mirror=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '/^URIs:/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  echo "${mirror%/}"
}

install_bookworm_packages() {
  local wanted="runc tini mmdebstrap arch-test curl ca-certificates" missing="" package
  for package in $wanted; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing="$missing $package"
  done
  [ -z "$missing" ] && return 0
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >"$LOG_DIR/apt-bookworm.log" 2>&1 \
    || { tail -20 "$LOG_DIR/apt-bookworm.log"; fail "apt-get install$missing failed; see $LOG_DIR/apt-bookworm.log"; }
}

trixie_apt() { APT_CONFIG=$TRIXIE_APT_DIR/apt.conf apt-get "$@"; }

# A side apt configuration for trixie that leaves the system's lists alone.
configure_trixie_apt() {
  mkdir -p "$TRIXIE_APT_DIR" /var/lib/mab-engine/apt-lists/partial /var/cache/mab-engine/apt/archives/partial
  cat >"$TRIXIE_APT_DIR/trixie.sources" <<SOURCES
Types: deb
URIs: $MIRROR
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  cat >"$TRIXIE_APT_DIR/apt.conf" <<CONF
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$TRIXIE_APT_DIR";
Dir::State::Lists "/var/lib/mab-engine/apt-lists";
Dir::Cache "/var/cache/mab-engine/apt";
Dir::State::status "/var/lib/dpkg/status";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
CONF
  ls /var/lib/mab-engine/apt-lists/*trixie_main_binary-amd64_Packages >/dev/null 2>&1 \
    || trixie_apt update -qq >"$LOG_DIR/apt-trixie-update.log" 2>&1
}

install_trixie_engine() {
  if [ -x "$ROOT/usr/sbin/dockerd" ] && [ -x "$ROOT/usr/libexec/docker/cli-plugins/docker-buildx" ] \
    && [ -x "$ROOT/usr/bin/containerd" ] && [ -x "$ROOT/usr/bin/docker-registry" ] \
    && [ -x "$QEMU_DIR/usr/bin/qemu-aarch64" ] && [ -x "$QEMU_DIR/usr/bin/qemu-arm" ]; then
    return 0
  fi
  configure_trixie_apt
  local debs=$ENGINE_DIR/debs packages="docker.io docker-buildx containerd docker-registry" deb
  command -v docker >/dev/null || packages="$packages docker-cli"
  rm -rf "$debs" && mkdir -p "$debs" "$ROOT" "$QEMU_DIR/usr/bin" "$QEMU_DIR/usr/libexec/qemu-binfmt"
  (cd "$debs" && trixie_apt download $packages qemu-user >"$LOG_DIR/apt-trixie-download.log" 2>&1) \
    || fail "downloading trixie packages failed; see $LOG_DIR/apt-trixie-download.log"
  for deb in "$debs"/*.deb; do
    case $deb in
      */qemu-user_*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$QEMU_DIR" ./usr/bin/qemu-aarch64 ./usr/bin/qemu-arm ;;
      *) dpkg -x "$deb" "$ROOT" ;;
    esac
  done
  # Debian's QEMU reads an argv[0] ending in -binfmt-P as "binfmt P flag in use".
  ln -sfn ../../bin/qemu-aarch64 "$QEMU_DIR/usr/libexec/qemu-binfmt/aarch64-binfmt-P"
  ln -sfn ../../bin/qemu-arm "$QEMU_DIR/usr/libexec/qemu-binfmt/arm-binfmt-P"
  rm -rf "$debs"
}

# buildx goes into the user's plugin folder, not a system one, so that a test
# can hide it with DOCKER_CONFIG=<empty folder> and see the real "buildx
# missing" condition.
link_clients() {
  local plugins=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins system=/usr/local/lib/docker/cli-plugins/docker-buildx
  mkdir -p "$plugins"
  ln -sfn "$ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$plugins/docker-buildx"
  if [ -L "$system" ] && [ "$(readlink "$system")" = "$ROOT/usr/libexec/docker/cli-plugins/docker-buildx" ]; then
    rm -f "$system"
  fi
  command -v docker >/dev/null || ln -sfn "$ROOT/usr/bin/docker" /usr/local/bin/docker
}

register_binfmt_handler() { # name magic mask interpreter
  local entry=/proc/sys/fs/binfmt_misc/$1 interpreter=$4
  if [ -e "$entry" ] && ! { grep -qx "interpreter $interpreter" "$entry" && grep -q '^flags:.*F' "$entry"; }; then
    echo -1 >"$entry"
  fi
  [ -e "$entry" ] || printf '%s' ":$1:M::$2:$3:$interpreter:POF" >/proc/sys/fs/binfmt_misc/register
  grep -q '^enabled' "$entry"
}

register_binfmt() {
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  register_binfmt_handler qemu-aarch64 \
    '\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00' \
    '\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff' \
    "$QEMU_DIR/usr/libexec/qemu-binfmt/aarch64-binfmt-P"
  register_binfmt_handler qemu-arm \
    '\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00' \
    '\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff' \
    "$QEMU_DIR/usr/libexec/qemu-binfmt/arm-binfmt-P"
}

start_dockerd() {
  if is_alive "$PID_DIR/dockerd.pid" && docker info >/dev/null 2>&1; then return 0; fi
  if [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1; then
    log "a Docker daemon that this script did not start responds on /var/run/docker.sock; using it"
    return 0
  fi
  mkdir -p /etc/docker
  cat >/etc/docker/daemon.json <<JSON
{
  "hosts": ["unix:///var/run/docker.sock"],
  "features": { "containerd-snapshotter": true },
  "bridge": "none",
  "iptables": false,
  "ip6tables": false,
  "ip-forward": false,
  "ip-masq": false,
  "init-path": "/usr/bin/tini-static",
  "userland-proxy-path": "$ROOT/usr/sbin/docker-proxy",
  "registry-mirrors": ["http://127.0.0.1:$REGISTRY_PORT"],
  "insecure-registries": ["127.0.0.1:$REGISTRY_PORT"],
  "log-level": "warn"
}
JSON
  rm -f /var/run/docker.pid
  nohup setsid dockerd >>"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/dockerd.pid"
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && return 0; sleep 0.25; done
  tail -30 "$LOG_DIR/dockerd.log"
  fail "dockerd did not answer within 30 s; see $LOG_DIR/dockerd.log"
}

start_registry() {
  if is_alive "$PID_DIR/registry.pid"; then return 0; fi
  if curl -fs -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/"; then
    log "a registry that this script did not start responds on 127.0.0.1:$REGISTRY_PORT; using it"
    return 0
  fi
  mkdir -p "$REGISTRY_DIR"
  cat >"$ENGINE_DIR/registry.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YAML
  nohup setsid "$ROOT/usr/bin/docker-registry" serve "$ENGINE_DIR/registry.yml" >>"$LOG_DIR/registry.log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/registry.pid"
  for _ in $(seq 1 40); do curl -fs -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/" && return 0; sleep 0.25; done
  fail "the registry did not answer on 127.0.0.1:$REGISTRY_PORT within 10 s; see $LOG_DIR/registry.log"
}

build_rootfs() { # arch
  local arch=$1 out=$BASE_CACHE/rootfs-$1.tar
  [ -s "$out" ] && return 0
  mmdebstrap --variant=minbase --architectures="$arch" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --include=python3,python3-venv,python3-pip,python-is-python3,ca-certificates \
    --aptopt='Acquire::Languages "none"' --dpkgopt=force-unsafe-io \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook="rm -f \"\$1\"/usr/lib/python$BASE_PYTHON/EXTERNALLY-MANAGED" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*' \
    "$BASE_SUITE" "$out.part.tar" "$MIRROR" >"$LOG_DIR/mmdebstrap-$arch.log" 2>&1 \
    || { tail -20 "$LOG_DIR/mmdebstrap-$arch.log"; return 1; }
  mv "$out.part.tar" "$out"
}

has_base_image() {
  curl -fs -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    "http://127.0.0.1:$REGISTRY_PORT/v2/library/python/manifests/$BASE_PYTHON-slim"
}

# The official image cannot be pulled here, so this image replaces it locally. It also
# trusts the host's CA bundle, because this machine reaches PyPI only through
# a proxy whose CA Debian's bundle lacks.
publish_base_image() {
  has_base_image && return 0
  mkdir -p "$BASE_CACHE"
  local arch pids=() failed=0 started
  for arch in amd64 arm64; do
    (started=$(date +%s); build_rootfs "$arch" && log "rootfs linux/$arch: $(($(date +%s) - started)) s") &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  [ $failed = 0 ] || fail "a base rootfs build failed; see $LOG_DIR/mmdebstrap-*.log"
  cp "$HOST_CA_BUNDLE" "$BASE_CACHE/ca-certificates.crt"
  cat >"$BASE_CACHE/Dockerfile" <<'DOCKERFILE'
FROM scratch
ARG TARGETARCH
ADD rootfs-${TARGETARCH}.tar /
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
DOCKERFILE
  docker buildx build --provenance=false --platform linux/amd64,linux/arm64 \
    -t "127.0.0.1:$REGISTRY_PORT/library/python:$BASE_PYTHON-slim" \
    -t "127.0.0.1:$REGISTRY_PORT/library/python:$BASE_PYTHON-slim-$BASE_SUITE" \
    --push "$BASE_CACHE" >"$LOG_DIR/base-push.log" 2>&1 \
    || { tail -20 "$LOG_DIR/base-push.log"; fail "pushing the base image failed; see $LOG_DIR/base-push.log"; }
}

smoke_test() {
  local platform machine
  for platform in linux/amd64 linux/arm64; do
    machine=$(docker run --rm --network none --platform "$platform" "python:$BASE_PYTHON-slim" \
      python3 -c 'import platform; print(platform.machine())')
    log "python:$BASE_PYTHON-slim on $platform runs as $machine"
  done
}

timed() { # label command...
  local label=$1 started
  shift
  started=$(date +%s)
  "$@"
  log "$label: $(($(date +%s) - started)) s"
}

case "${1:-up}" in
  stop) stop_all; exit 0 ;;
  status) show_status; exit 0 ;;
  up) ;;
  *) echo "usage: $0 [up|status|stop]" >&2; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || fail "this script installs packages and starts dockerd, so it must run as root; run it with sudo"
MIRROR=${DEBIAN_MIRROR:-$(find_debian_mirror)}
[ -n "$MIRROR" ] || fail "no Debian mirror was found in apt's sources; set DEBIAN_MIRROR to one"
mkdir -p "$ENGINE_DIR" "$LOG_DIR" "$PID_DIR"

timed "bookworm packages" install_bookworm_packages
timed "trixie engine packages" install_trixie_engine
link_clients
timed "binfmt arm64 and arm/v7" register_binfmt
timed "dockerd $(dockerd --version | awk '{print $3}' | tr -d ,)" start_dockerd
timed "registry on 127.0.0.1:$REGISTRY_PORT" start_registry
timed "base image python:$BASE_PYTHON-slim (linux/amd64, linux/arm64)" publish_base_image
timed "smoke test" smoke_test
log "ready"
