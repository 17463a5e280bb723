#!/usr/bin/env bash
# Build a pinned Docker Compose v2 CLI plugin from the Go module proxy and cache it outside the repo.
#
# Usage:
#   scripts/build-compose.sh                 # build (or reuse cached) plugin; last stdout line = absolute path
#   scripts/build-compose.sh --print-version # print the pinned Compose version only
#
# Environment:
#   COMPOSE_VERSION  override the pinned version (e.g. v2.40.3)
#   COMPOSE_CACHE    cache root (default: $HOME/.cache/trafficviz/compose)
#
# Plugin location: ${COMPOSE_CACHE}/<version>/cli-plugins/docker-compose, so that
# DOCKER_CONFIG=${COMPOSE_CACHE}/<version> docker compose ... uses it without touching the system's plugins.
#
# Why not `go install github.com/docker/compose/v2/cmd@vX`? Compose's go.mod has exclude and replace
# directives, which `go install pkg@version` refuses. As scripts/build-traefik.sh does for Traefik, we fetch
# the module source with `go mod download`, copy it to a writable temp dir and `go build` inside it.
set -euo pipefail

PINNED_COMPOSE_VERSION="v2.40.3"
COMPOSE_VERSION="${COMPOSE_VERSION:-$PINNED_COMPOSE_VERSION}"
COMPOSE_MODULE="github.com/docker/compose/v2"

log() { printf '[build-compose] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "${1:-}" in
  --print-version)
    printf '%s\n' "$COMPOSE_VERSION"
    exit 0
    ;;
  -h|--help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 0
    ;;
  "") ;;
  *) die "unknown argument: $1 (supported: --print-version, --help)" ;;
esac

[[ "$COMPOSE_VERSION" == v2.* ]] || die "COMPOSE_VERSION must be a v2.x tag (got '$COMPOSE_VERSION')"

CACHE_ROOT="${COMPOSE_CACHE:-$HOME/.cache/trafficviz/compose}"
OUT_DIR="$CACHE_ROOT/$COMPOSE_VERSION/cli-plugins"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd -P)"
BIN="$OUT_DIR/docker-compose"

if [[ -x "$BIN" ]] && "$BIN" version >/dev/null 2>&1; then
  log "using cached $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found in PATH"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT_DIR/.build.lock"
  flock 9
  if [[ -x "$BIN" ]] && "$BIN" version >/dev/null 2>&1; then
    log "using cached $BIN (built concurrently)"
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/compose-build.XXXXXX")"
TMP_BIN=""
cleanup() {
  chmod -R u+w "$WORK_DIR" 2>/dev/null || true
  rm -rf "$WORK_DIR"
  if [[ -n "$TMP_BIN" ]]; then rm -f "$TMP_BIN"; fi
}
trap cleanup EXIT

log "downloading $COMPOSE_MODULE@$COMPOSE_VERSION from ${GOPROXY:-$(go env GOPROXY)}"
DL_JSON="$(cd "$WORK_DIR" && GO111MODULE=on GOFLAGS=-mod=mod GOWORK=off \
  go mod download -json "$COMPOSE_MODULE@$COMPOSE_VERSION")" \
  || die "go mod download failed: $DL_JSON"
SRC_DIR="$(printf '%s\n' "$DL_JSON" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}[[:space:]]*$/\1/p' | head -n1)"
[[ -n "$SRC_DIR" && -d "$SRC_DIR" ]] || die "could not determine module dir from: $DL_JSON"
log "module source: $SRC_DIR"

BUILD_DIR="$WORK_DIR/src"
cp -R "$SRC_DIR" "$BUILD_DIR"
chmod -R u+w "$BUILD_DIR"

TMP_BIN="$(mktemp "$OUT_DIR/.docker-compose.tmp.XXXXXX")"
LDFLAGS="-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION"

log "building (this can take several minutes)..."
start=$(date +%s)
(
  cd "$BUILD_DIR"
  GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 \
    go build -trimpath -ldflags "$LDFLAGS" -o "$TMP_BIN" ./cmd
) >&2 || die "go build failed for $COMPOSE_MODULE@$COMPOSE_VERSION"
log "build finished in $(( $(date +%s) - start ))s"

chmod 0755 "$TMP_BIN"
"$TMP_BIN" version >&2 || die "built plugin does not run"
mv -f "$TMP_BIN" "$BIN"
TMP_BIN=""

log "cached at $BIN"
printf '%s\n' "$BIN"
