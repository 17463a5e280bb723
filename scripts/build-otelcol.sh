#!/usr/bin/env bash
# Build the OpenTelemetry Collector distribution of examples/otelcol/builder-config.yaml (filelog receiver, OTLP/HTTP
# and Kafka exporters) with the Collector's builder (ocb), both from the Go module proxy, and cache it outside the repo.
#
# Usage:
#   scripts/build-otelcol.sh                 # build (or reuse the cached) binary; last stdout line = absolute path
#   scripts/build-otelcol.sh --print-version # print the pinned builder/Collector version only
#
# Environment:
#   OTELCOL_CACHE  cache root (default: $HOME/.cache/trafficviz/otelcol)
#
# Binary location: ${OTELCOL_CACHE}/<version>/otelcol. A change to the manifest needs the cached binary removed.
set -euo pipefail
cd "$(dirname "$0")/.."

OTELCOL_VERSION="v0.165.0"   # the builder's version; the manifest's components carry the same one
MANIFEST="examples/otelcol/builder-config.yaml"

log() { printf '[build-otelcol] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "${1:-}" in
  --print-version) printf '%s\n' "$OTELCOL_VERSION"; exit 0 ;;
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  "") ;;
  *) die "unknown argument: $1 (supported: --print-version, --help)" ;;
esac

CACHE_ROOT="${OTELCOL_CACHE:-$HOME/.cache/trafficviz/otelcol}"
OUT_DIR="$CACHE_ROOT/$OTELCOL_VERSION"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd -P)"
BIN="$OUT_DIR/otelcol"

# The Collector has no --version flag; `components` runs it and lists what it was built with.
runs() { [[ -x "$BIN" ]] && "$BIN" components >/dev/null 2>&1; }

if runs; then
  log "using cached $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found in PATH"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT_DIR/.build.lock"
  flock 9
  if runs; then
    log "using cached $BIN (built concurrently)"
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/otelcol-build.XXXXXX")"
cleanup() {
  chmod -R u+w "$WORK_DIR" 2>/dev/null || true
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT

log "installing the builder go.opentelemetry.io/collector/cmd/builder@$OTELCOL_VERSION"
start=$(date +%s)
GOBIN="$WORK_DIR/bin" GOWORK=off GOFLAGS=-buildvcs=false \
  go install "go.opentelemetry.io/collector/cmd/builder@$OTELCOL_VERSION" >&2 || die "go install of the builder failed"

# The manifest's output path is relative; build in the work dir, whatever the caller's directory.
sed "s#^\(  output_path:\).*#\1 $WORK_DIR/dist#" "$MANIFEST" >"$WORK_DIR/manifest.yaml"
log "building the Collector (this can take several minutes)..."
(cd "$WORK_DIR" && GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$WORK_DIR/bin/builder" --config "$WORK_DIR/manifest.yaml") >&2 \
  || die "the builder failed"
log "build finished in $(( $(date +%s) - start ))s"

"$WORK_DIR/dist/otelcol" components >"$WORK_DIR/components.txt" 2>&1 || die "built binary does not run"
for c in filelog otlp_http kafka; do
  grep -qw "$c" "$WORK_DIR/components.txt" || { cat "$WORK_DIR/components.txt" >&2; die "component $c missing from the build"; }
done
cp "$WORK_DIR/dist/otelcol" "$OUT_DIR/.otelcol.tmp"
mv -f "$OUT_DIR/.otelcol.tmp" "$BIN"

log "cached at $BIN"
printf '%s\n' "$BIN"
