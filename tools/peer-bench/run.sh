#!/usr/bin/env bash
# Side-by-side peer benchmark: facesearch's pipeline and face-api.js (@vladmandic/face-api, TensorFlow.js WASM
# backend with SIMD, one thread) over the same photos, in one run, on this machine.
#
#   tools/peer-bench/run.sh [--images DIR] [--lfw]
#
# --images DIR   photos (every JPEG under DIR); default ../shared/data/face_recognition_examples
# --lfw          also 5-fold verification accuracy of both on ../shared/data/lfw-dev/pairs-dev.txt
#                (3,811 photos each; face-api.js takes about half an hour of it on 2 cores)
# Prints both systems' photos per second on one thread and faces found, the ratio, and the accuracies.
# Needs Node.js/npm (face-api.js and its WASM backend are installed into tools/peer-bench/node_modules).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/../shared/data"
IMAGES="$DATA/face_recognition_examples"
LFW=0
while (( $# )); do
  case "$1" in
    --images) IMAGES="$(cd "$2" && pwd)"; shift 2 ;;
    --lfw) LFW=1; shift ;;
    *) echo "usage: $0 [--images DIR] [--lfw]" >&2; exit 2 ;;
  esac
done

(cd "$HERE" && npm ci --no-audit --no-fund --silent >/dev/null)

value() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
last_kv() { grep -E '^[a-z_0-9]+=' | tail -1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "photos: $IMAGES"
echo "== facesearch (bench pipeline --images)"
ours=$("$ROOT/facesearch" bench pipeline --images "$IMAGES" 2>/dev/null | tee >(cat >&2) | last_kv)
echo "== face-api.js"
theirs=$(cd "$HERE" && node face-api-bench.js photos "$IMAGES" | tee >(cat >&2) | last_kv)

if (( LFW )); then
  echo "== facesearch (eval lfw, lfw-dev)"
  ours_lfw=$("$ROOT/facesearch" eval lfw --images "$DATA/lfw-dev/images" --pairs "$DATA/lfw-dev/pairs-dev.txt" \
    2>/dev/null | last_kv)
  echo "$ours_lfw"
  echo "== face-api.js (lfw-dev)"
  theirs_lfw=$(cd "$HERE" && node face-api-bench.js lfw "$DATA/lfw-dev/images" "$DATA/lfw-dev/pairs-dev.txt" \
    | tee >(cat >&2) | last_kv)
fi

echo
printf '%-14s %12s %8s %14s\n' system photos_per_s faces lfw_accuracy
printf '%-14s %12s %8s %14s\n' facesearch "$(value photos_per_s "$ours")" "$(value faces "$ours")" \
  "$( (( LFW )) && value accuracy "$ours_lfw" || echo -)"
printf '%-14s %12s %8s %14s\n' face-api.js "$(value photos_per_s "$theirs")" "$(value faces "$theirs")" \
  "$( (( LFW )) && value accuracy "$theirs_lfw" || echo -)"
ratio=$(awk -v a="$(value photos_per_s "$ours")" -v b="$(value photos_per_s "$theirs")" 'BEGIN {printf "%.1f", a / b}')
echo "speed ratio (photos per second, facesearch / face-api.js, one thread each): ${ratio}x"
echo "ratio=$ratio"
