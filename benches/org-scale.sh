#!/usr/bin/env bash
# The org-scale bench (docs/scale.md): generates organisations of 1k, 5k and 20k services with
# `cargo run --example gen-org`, then times every command of a release build on each, with the
# median and spread of several runs and the peak memory, and runs `buf build` and
# `spectral lint` on the same protos and OpenAPI specs when they are installed.
#
#   benches/org-scale.sh [--sizes "1000 5000 20000"] [--runs 5] [--bin target/release/commaudit]
#                        [--keep DIR] [--skip REGEX]
#
# --skip leaves out the commands that match REGEX (for example `svg` to compare with a build
# whose SVG layout is quadratic).
#
# buf and spectral are looked up as `buf` and `spectral` on PATH, then in $TOOLS_PREFIX/node_modules/.bin
# (for example after `npm install --prefix /tmp/tools @bufbuild/buf @stoplight/spectral-cli`);
# when absent they are skipped and said so.
set -euo pipefail

sizes="1000 5000 20000"
runs=5
bin=""
keep=""
skip='^$'
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --skip) skip="$2"; shift 2 ;;
    *) echo "usage: $0 [--sizes LIST] [--runs N] [--bin PATH] [--keep DIR]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release --locked --quiet)
  bin="$root/target/release/commaudit"
fi
(cd "$root" && cargo build --example gen-org --quiet)
gen="$root/target/debug/examples/gen-org"

if [ ! -x /usr/bin/time ]; then
  echo "note: /usr/bin/time not found, peak memory is not measured" >&2
fi
tool() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"
  elif [ -n "${TOOLS_PREFIX:-}" ] && [ -x "$TOOLS_PREFIX/node_modules/.bin/$1" ]; then
    echo "$TOOLS_PREFIX/node_modules/.bin/$1"
  fi
}
buf="$(tool buf || true)"
spectral="$(tool spectral || true)"
[ -n "$buf" ] || echo "note: buf not installed, skipped (npm install @bufbuild/buf)" >&2
[ -n "$spectral" ] || echo "note: spectral not installed, skipped (npm install @stoplight/spectral-cli)" >&2

work="${keep:-$(mktemp -d)}"
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD $runs times; prints median, min-max and peak RSS (MB).
# Sets $median (seconds) for the ratios.
measure() {
  local name="$1"; shift
  local times=() peak=0 t rss
  for _ in $(seq "$runs"); do
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
      read -r t rss < <(tail -1 "$work/time")
      [ "$rss" -gt "$peak" ] && peak=$rss
    else
      local start end
      start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
      t=$(echo "$end - $start" | bc)
    fi
    times+=("$t")
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  median=$(echo "$sorted" | awk -v n="$runs" 'NR==int((n+1)/2)')
  local lo hi
  lo=$(echo "$sorted" | head -1); hi=$(echo "$sorted" | tail -1)
  printf '  %-24s median %7.2f s  (%5.2f-%5.2f)  peak %6d MB' "$name" "$median" "$lo" "$hi" $((peak / 1024))
}

echo "commaudit org-scale bench: $runs runs per command, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
  org="$work/org-$n"
  [ -d "$org" ] || "$gen" "$n" "$org" 14
  files=$(find "$org" -type f | wc -l)
  echo
  echo "== $n services ($files files; load $(cut -d' ' -f1-3 /proc/loadavg))"
  measure scan "$bin" scan "$org"; scan=$median
  printf '  %7.1f us/service\n' "$(echo "$scan * 1000000 / $n" | bc -l)"
  for cmd in "graph --format json" "graph --format dot" "graph --format mermaid" \
    "graph --format svg" "recommend" "report" "report --format html" \
    "what-if --down $(ls "$org/services/team-000" | sed -n 30p | sed 's/\.yaml$//')"; do
    if echo "$cmd" | grep -Eq "$skip"; then echo "  $cmd: skipped"; continue; fi
    # shellcheck disable=SC2086
    measure "$cmd" "$bin" $cmd "$org"
    printf '  %5.2fx scan\n' "$(echo "$median / $scan" | bc -l)"
  done
  if [ -n "$buf" ]; then
    measure "buf build" "$buf" build "$org/proto" -o /dev/null; bufs=$median
    printf '  scan/buf %.2f\n' "$(echo "$scan / $bufs" | bc -l)"
    if [ -n "$spectral" ]; then
      printf 'extends: ["spectral:oas"]\n' >"$work/spectral.yaml"
      measure "spectral lint" "$spectral" lint --ruleset "$work/spectral.yaml" \
        --fail-severity error "$org/openapi/*.yaml"
      printf '  (buf+spectral)/scan %.1f\n' "$(echo "($bufs + $median) / $scan" | bc -l)"
    fi
  fi
done
