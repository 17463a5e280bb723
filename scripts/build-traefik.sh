#!/usr/bin/env bash
# Build a pinned Traefik v3 binary from the Go module proxy and cache it outside the repo.
#
# Usage:
#   scripts/build-traefik.sh                 # build (or reuse cached) binary; last stdout line = absolute path
#   scripts/build-traefik.sh --print-version # print the pinned Traefik version only
#
# Environment:
#   TRAEFIK_VERSION  override the pinned version (e.g. v3.6.12)
#   TRAEFIK_CACHE    cache root (default: $HOME/.cache/trafficviz/traefik)
#
# Binary location: ${TRAEFIK_CACHE}/<version>/traefik
#
# Why not `go install github.com/traefik/traefik/v3/cmd/traefik@vX`? Traefik's go.mod has
# replace directives, which `go install pkg@version` refuses. Instead we fetch the module
# source with `go mod download`, copy it to a writable temp dir and `go build` inside it.
#
# Pin note: v3.7.x cannot be built this way: its go.mod replaces the nested module
# github.com/traefik/traefik/dynamic/ext with ./pkg/config/dynamic/ext, a directory that is
# not part of the published module zip (and several of its dependency versions are not
# served by the module proxy available here). v3.6.12 builds fine.
set -euo pipefail

PINNED_TRAEFIK_VERSION="v3.6.12"
TRAEFIK_VERSION="${TRAEFIK_VERSION:-$PINNED_TRAEFIK_VERSION}"
TRAEFIK_MODULE="github.com/traefik/traefik/v3"

log() { printf '[build-traefik] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "${1:-}" in
  --print-version)
    printf '%s\n' "$TRAEFIK_VERSION"
    exit 0
    ;;
  -h|--help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 0
    ;;
  "") ;;
  *) die "unknown argument: $1 (supported: --print-version, --help)" ;;
esac

[[ "$TRAEFIK_VERSION" == v3.* ]] || die "TRAEFIK_VERSION must be a v3.x tag (got '$TRAEFIK_VERSION')"

CACHE_ROOT="${TRAEFIK_CACHE:-$HOME/.cache/trafficviz/traefik}"
OUT_DIR="$CACHE_ROOT/$TRAEFIK_VERSION"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd -P)"
BIN="$OUT_DIR/traefik"

# Fast path: cached binary that runs.
if [[ -x "$BIN" ]] && "$BIN" version >/dev/null 2>&1; then
  log "using cached $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found in PATH"

# Serialize concurrent builds of the same version (best effort; flock may be absent).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT_DIR/.build.lock"
  flock 9
  # Someone else may have finished the build while we waited.
  if [[ -x "$BIN" ]] && "$BIN" version >/dev/null 2>&1; then
    log "using cached $BIN (built concurrently)"
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/traefik-build.XXXXXX")"
TMP_BIN=""
cleanup() {
  # Module-cache copies may be read-only; make them removable first.
  chmod -R u+w "$WORK_DIR" 2>/dev/null || true
  rm -rf "$WORK_DIR"
  if [[ -n "$TMP_BIN" ]]; then rm -f "$TMP_BIN"; fi
}
trap cleanup EXIT

log "downloading $TRAEFIK_MODULE@$TRAEFIK_VERSION from ${GOPROXY:-$(go env GOPROXY)}"
# Run outside any module so the repo (or a parent go.mod/go.work) cannot interfere.
DL_JSON="$(cd "$WORK_DIR" && GO111MODULE=on GOFLAGS=-mod=mod GOWORK=off \
  go mod download -json "$TRAEFIK_MODULE@$TRAEFIK_VERSION")" \
  || die "go mod download failed: $DL_JSON"
SRC_DIR="$(printf '%s\n' "$DL_JSON" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}[[:space:]]*$/\1/p' | head -n1)"
[[ -n "$SRC_DIR" && -d "$SRC_DIR" ]] || die "could not determine module dir from: $DL_JSON"
log "module source: $SRC_DIR"

BUILD_DIR="$WORK_DIR/src"
cp -R "$SRC_DIR" "$BUILD_DIR"
chmod -R u+w "$BUILD_DIR"

# The web UI assets are not published in the module zip; webui/embed.go embeds webui/static.
# A placeholder is enough (we only use the API, not the dashboard).
if [[ -d "$BUILD_DIR/webui" ]]; then
  mkdir -p "$BUILD_DIR/webui/static"
  if [[ ! -e "$BUILD_DIR/webui/static/index.html" ]]; then
    printf '<!doctype html><title>Traefik</title><p>Dashboard assets not bundled in this build.</p>\n' \
      >"$BUILD_DIR/webui/static/index.html"
  fi
fi

TMP_BIN="$(mktemp "$OUT_DIR/.traefik.tmp.XXXXXX")"
LDFLAGS="-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION"
LDFLAGS+=" -X github.com/traefik/traefik/v3/pkg/version.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"

log "building (this can take several minutes)..."
start=$(date +%s)
(
  cd "$BUILD_DIR"
  GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 \
    go build -trimpath -ldflags "$LDFLAGS" -o "$TMP_BIN" ./cmd/traefik
) >&2 || die "go build failed for $TRAEFIK_MODULE@$TRAEFIK_VERSION"
log "build finished in $(( $(date +%s) - start ))s"

chmod 0755 "$TMP_BIN"
"$TMP_BIN" version >&2 || die "built binary does not run"
mv -f "$TMP_BIN" "$BIN"
TMP_BIN=""

log "cached at $BIN"
printf '%s\n' "$BIN"
