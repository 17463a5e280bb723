#!/usr/bin/env bash
# Make the base images the Dockerfiles build on, without an image registry: a minimal Debian made by debootstrap
# with Java 17 (a JDK for the build stage, a JRE for the runtime stage) and a Traefik image from the binary
# scripts/build-traefik.sh caches, each imported into the local Docker engine.
#
# Usage:
#   scripts/make-base-images.sh              # make (or reuse cached) tarballs, import missing images; prints the names
#
# Environment:
#   IMAGES_CACHE  tarball cache (default: $HOME/.cache/trafficviz/images)
#   DEBIAN_MIRROR (default: http://deb.debian.org/debian)
#
# Images (tagged in the local engine; the tests pass them as build arguments / compose variables):
#   trafficviz-base-jdk:17-bookworm   BUILD_IMAGE   (public default: maven:3-eclipse-temurin-17)
#   trafficviz-base-jre:17-bookworm   RUNTIME_IMAGE (public default: eclipse-temurin:17-jre)
#   trafficviz-base-traefik:<version> TRAEFIK_IMAGE (public default: traefik:<version>)
# Needs root (debootstrap, chroot) the first time; later runs only import the cached tarballs (seconds).
set -euo pipefail

log() { printf '[make-base-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CACHE="${IMAGES_CACHE:-$HOME/.cache/trafficviz/images}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
JDK_IMAGE=trafficviz-base-jdk:17-$SUITE
JRE_IMAGE=trafficviz-base-jre:17-$SUITE
HERE="$(cd "$(dirname "$0")" && pwd -P)"
TRAEFIK_VERSION="$("$HERE/build-traefik.sh" --print-version)"
TRAEFIK_IMAGE=trafficviz-base-traefik:$TRAEFIK_VERSION
mkdir -p "$CACHE"
command -v docker >/dev/null || die "docker not found"

exec 9>"$CACHE/.lock"
command -v flock >/dev/null && flock 9

# A tarball of $SUITE minbase with the given packages, made once.
rootfs_tarball() {
  local name=$1; shift
  local tarball="$CACHE/$name.tar"
  if [[ -s "$tarball" ]]; then
    printf '%s\n' "$tarball"; return
  fi
  command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
  local base="$CACHE/minbase-$SUITE.tar"
  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/rootfs.XXXXXX")"
  if [[ ! -s "$base" ]]; then
    log "debootstrap --variant=minbase $SUITE (a few minutes)"
    local start=$(date +%s)
    debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR" >&2
    tar -C "$dir" -cf "$base.tmp" . && mv "$base.tmp" "$base"
    log "minbase made in $(( $(date +%s) - start ))s"
  else
    tar -C "$dir" -xf "$base"
  fi
  if [[ $# -gt 0 ]]; then
    log "installing $* into $name"
    local start=$(date +%s)
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    mount -t proc proc "$dir/proc"
    # openjdk's postinst wants /proc; nothing else is mounted, so nothing of the host leaks in.
    ( chroot "$dir" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get -q update \
      && chroot "$dir" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
           apt-get -q install -y --no-install-recommends "$@" \
      && chroot "$dir" apt-get clean ) >&2 || { umount "$dir/proc"; rm -rf "$dir"; die "apt-get install failed"; }
    umount "$dir/proc"
    rm -rf "$dir/var/lib/apt/lists/"*
    : >"$dir/etc/resolv.conf"
    log "$name made in $(( $(date +%s) - start ))s"
  fi
  tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$dir"
  printf '%s\n' "$tarball"
}

import() {
  local image=$1 tarball=$2; shift 2
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "$image present"; return
  fi
  log "importing $image"
  docker import "$@" "$tarball" "$image" >/dev/null
}

PATH_ENV='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
import "$JDK_IMAGE" "$(rootfs_tarball jdk17-$SUITE openjdk-17-jdk-headless ca-certificates)" --change "ENV $PATH_ENV"
import "$JRE_IMAGE" "$(rootfs_tarball jre17-$SUITE openjdk-17-jre-headless ca-certificates curl)" --change "ENV $PATH_ENV"

# Traefik: its static binary on the minbase image (a shell helps debugging; the official image is Alpine-based).
if ! docker image inspect "$TRAEFIK_IMAGE" >/dev/null 2>&1; then
  traefik_bin="$("$HERE/build-traefik.sh" | tail -n1)"
  tarball="$CACHE/traefik-$TRAEFIK_VERSION.tar"
  if [[ ! -s "$tarball" ]]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/rootfs.XXXXXX")"
    tar -C "$dir" -xf "$(rootfs_tarball minbase-$SUITE)"
    install -m 0755 "$traefik_bin" "$dir/usr/local/bin/traefik"
    tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  import "$TRAEFIK_IMAGE" "$tarball" --change "ENV $PATH_ENV" --change 'ENTRYPOINT ["/usr/local/bin/traefik"]'
fi
printf '%s\n' "$JDK_IMAGE" "$JRE_IMAGE" "$TRAEFIK_IMAGE"
