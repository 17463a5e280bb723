#!/usr/bin/env bash
# Build a pinned Helm v3 binary from the Go module proxy and cache it outside the repo (the chart's tests run
# `helm lint` and `helm template` with it; no cluster is needed or used).
#
# Usage:
#   scripts/build-helm.sh                 # build (or reuse the cached) binary; last stdout line = absolute path
#   scripts/build-helm.sh --print-version # print the pinned Helm version only
#
# Environment:
#   HELM_VERSION  override the pinned version (e.g. v3.22.1)
#   HELM_CACHE    cache root (default: $HOME/.cache/trafficviz/helm)
#
# Binary location: ${HELM_CACHE}/<version>/helm
#
# Built like scripts/build-traefik.sh: the module source is fetched with `go mod download` and built in a writable
# copy, so replace or exclude directives in Helm's go.mod (which `go install pkg@version` refuses) cannot stop it.
set -euo pipefail

PINNED_HELM_VERSION="v3.22.1"
HELM_VERSION="${HELM_VERSION:-$PINNED_HELM_VERSION}"
HELM_MODULE="helm.sh/helm/v3"

log() { printf '[build-helm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "${1:-}" in
  --print-version) printf '%s\n' "$HELM_VERSION"; exit 0 ;;
  -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  "") ;;
  *) die "unknown argument: $1 (supported: --print-version, --help)" ;;
esac

[[ "$HELM_VERSION" == v3.* ]] || die "HELM_VERSION must be a v3.x tag (got '$HELM_VERSION')"

CACHE_ROOT="${HELM_CACHE:-$HOME/.cache/trafficviz/helm}"
OUT_DIR="$CACHE_ROOT/$HELM_VERSION"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd -P)"
BIN="$OUT_DIR/helm"

if [[ -x "$BIN" ]] && "$BIN" version --short >/dev/null 2>&1; then
  log "using cached $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found in PATH"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT_DIR/.build.lock"
  flock 9
  if [[ -x "$BIN" ]] && "$BIN" version --short >/dev/null 2>&1; then
    log "using cached $BIN (built concurrently)"
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/helm-build.XXXXXX")"
TMP_BIN=""
cleanup() {
  chmod -R u+w "$WORK_DIR" 2>/dev/null || true
  rm -rf "$WORK_DIR"
  if [[ -n "$TMP_BIN" ]]; then rm -f "$TMP_BIN"; fi
}
trap cleanup EXIT

log "downloading $HELM_MODULE@$HELM_VERSION from ${GOPROXY:-$(go env GOPROXY)}"
DL_JSON="$(cd "$WORK_DIR" && GO111MODULE=on GOFLAGS=-mod=mod GOWORK=off \
  go mod download -json "$HELM_MODULE@$HELM_VERSION")" \
  || die "go mod download failed: $DL_JSON"
SRC_DIR="$(printf '%s\n' "$DL_JSON" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}[[:space:]]*$/\1/p' | head -n1)"
[[ -n "$SRC_DIR" && -d "$SRC_DIR" ]] || die "could not determine module dir from: $DL_JSON"

BUILD_DIR="$WORK_DIR/src"
cp -R "$SRC_DIR" "$BUILD_DIR"
chmod -R u+w "$BUILD_DIR"

TMP_BIN="$(mktemp "$OUT_DIR/.helm.tmp.XXXXXX")"
LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"

log "building..."
start=$(date +%s)
(
  cd "$BUILD_DIR"
  GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 \
    go build -trimpath -ldflags "$LDFLAGS" -o "$TMP_BIN" ./cmd/helm
) >&2 || die "go build failed for $HELM_MODULE@$HELM_VERSION"
log "build finished in $(( $(date +%s) - start ))s"

chmod 0755 "$TMP_BIN"
"$TMP_BIN" version --short >&2 || die "built binary does not run"
mv -f "$TMP_BIN" "$BIN"
TMP_BIN=""

log "cached at $BIN"
printf '%s\n' "$BIN"
