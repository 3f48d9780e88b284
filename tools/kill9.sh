#!/usr/bin/env bash
# kill -9 rounds against a real server on loopback (docs/reliability.md): enrollments from 4 clients and erasures
# from a fifth, the server killed with SIGKILL at a random moment, restarted on the same data folder, and then:
#   - every acknowledged enrollment (201) must be there (decision 200) and found by a search with its own photo,
#   - every acknowledged erasure (204) must stay erased (404), and after a clean stop none of the erased
#     sessions' vendor_data may be left in any file of the data folder,
#   - no ONNX Runtime native library may have been unpacked into a temporary folder.
# Usage: tools/kill9.sh [ROUNDS=5] [PORT=18212]. Needs a built server/target/facesearch-server.jar and ../shared/data.
set -euo pipefail
ROUNDS=${1:-5}
PORT=${2:-18212}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/facesearch-kill9.XXXXXX)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
cp -r "$ROOT/server/target/facesearch-server.jar" "$ROOT/server/target/lib" "$WORK/" # immune to rebuilds meanwhile
DATA=$WORK/data
URL=http://127.0.0.1:$PORT
PEOPLE=("$ROOT"/../shared/data/lfw-dev/images/*/)
for person in "${PEOPLE[@]:0:400}"; do
  PHOTOS=("$person"*.jpg)
  echo "${PHOTOS[0]}"
done > "$WORK/photos.txt"
TMPDIR_BEFORE=$(find "${TMPDIR:-/tmp}" -maxdepth 2 -name 'libonnxruntime.so' -path '*onnxruntime-java*' 2>/dev/null | wc -l)

start() {
  "$JAVA" -Xmx1g --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
    -Dfacesearch.models="$ROOT/.models" -jar "$WORK/facesearch-server.jar" serve --port "$PORT" --data "$DATA" \
    --writes-per-minute 100000 --reads-per-minute 100000 >> "$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 120); do curl -sf "$URL/health" > /dev/null && return 0; sleep 0.5; done
  echo "server did not start" >&2; exit 1
}

enroller() { # $1: client number; appends "session_id photo" per acknowledged enrollment
  local i=0
  while true; do
    local photo; photo=$(sed -n "$(( (RANDOM % 400) + 1 ))p" "$WORK/photos.txt")
    local out; out=$(curl -s -m 30 -w ' %{http_code}' -H "x-api-key: $KEY" -F "user_image=@$photo" \
      -F "vendor_data=k9-$1-$i-$RANDOM" "$URL/v3/sessions/") || return 0
    [[ $out == *" 201" ]] && echo "$(sed 's/.*"session_id":"\([^"]*\)".*/\1/' <<<"$out") $photo" >> "$WORK/acked.txt"
    i=$((i + 1))
  done
}

eraser() { # erases acknowledged enrollments; appends "session_id vendor_data" per acknowledged erasure
  while true; do
    sleep 0.5
    local line; line=$(shuf -n 1 "$WORK/acked.txt" 2>/dev/null) || continue
    [[ -z $line ]] && continue
    local id=${line%% *}
    grep -q "^$id " "$WORK/erased.txt" 2>/dev/null && continue
    echo "$id" >> "$WORK/erasing.txt" # an erasure in flight at the kill may or may not have happened: both are right
    local vd; vd=$(curl -s -m 10 -H "x-api-key: $KEY" "$URL/v3/session/$id/decision/" | sed -n 's/.*"vendor_data":"\([^"]*\)".*/\1/p')
    local code; code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' -X DELETE -H "x-api-key: $KEY" \
      "$URL/v3/session/$id/delete/") || return 0
    [[ $code == 204 ]] && echo "$id $vd" >> "$WORK/erased.txt"
  done
}

touch "$WORK/acked.txt" "$WORK/erased.txt" "$WORK/erasing.txt"
start
KEY=$(grep -o 'fsk_[A-Za-z0-9]*' "$WORK/server.log" | head -1)
LOST=0; FOUND_BY_SEARCH=0; SEARCHED=0; RESURRECTED=0
for round in $(seq "$ROUNDS"); do
  for c in 1 2 3 4; do enroller "$c" & done
  eraser &
  sleep $((8 + RANDOM % 8))
  kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true # the clients end when the server is gone
  start
  # every acknowledged enrollment that nobody tried to erase is there
  LOST=0
  while read -r id photo; do
    grep -qx "$id" "$WORK/erasing.txt" && continue
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $KEY" "$URL/v3/session/$id/decision/")
    [[ $code == 200 ]] || { LOST=$((LOST + 1)); echo "round $round: lost $id ($code)"; }
  done < "$WORK/acked.txt"
  while read -r id vd; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $KEY" "$URL/v3/session/$id/decision/")
    [[ $code == 404 ]] || { RESURRECTED=$((RESURRECTED + 1)); echo "round $round: erased $id is back ($code)"; }
  done < "$WORK/erased.txt"
  echo "round $round: $(wc -l < "$WORK/acked.txt") enrollments and $(wc -l < "$WORK/erased.txt") erasures acknowledged so far"
done
# found again by a search with the same photo (20 at random among those not erased)
grep -v -F -f <(cat "$WORK/erasing.txt"; echo none) "$WORK/acked.txt" | shuf -n 20 | while read -r id photo; do
  curl -s -H "x-api-key: $KEY" -F "user_image=@$photo" -F save_api_request=false "$URL/v3/face-search/" \
    | grep -q "$id" && echo found || echo "not found: $id $photo"
done > "$WORK/search.txt"
kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true # clean stop: the erasure purge runs
LEFT=0
while read -r id vd; do
  [[ -z $vd ]] && continue
  grep -rqa -- "$vd" "$DATA" && { LEFT=$((LEFT + 1)); echo "vendor_data of erased $id still in $DATA"; }
done < "$WORK/erased.txt"
TMPDIR_AFTER=$(find "${TMPDIR:-/tmp}" -maxdepth 2 -name 'libonnxruntime.so' -path '*onnxruntime-java*' 2>/dev/null | wc -l)
echo "kill9: rounds=$ROUNDS acked_enrollments=$(wc -l < "$WORK/acked.txt") lost=$LOST" \
  "acked_erasures=$(wc -l < "$WORK/erased.txt") erasures_in_flight_at_kills=$(( $(sort -u "$WORK/erasing.txt" | wc -l) - $(wc -l < "$WORK/erased.txt") )) erased_back=$RESURRECTED erased_vendor_data_on_disk=$LEFT" \
  "found_by_search=$(grep -c '^found' "$WORK/search.txt")/$(wc -l < "$WORK/search.txt")" \
  "onnx_tmp_libs_added=$((TMPDIR_AFTER - TMPDIR_BEFORE)) work=$WORK"
