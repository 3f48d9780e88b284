#!/usr/bin/env bash
# Fetches the face models: the ONNX files of the npm package faceplugin-face-recognition-js@0.0.1 (MIT).
#
#   build/fetch-models.sh [DEST]      (default DEST: <repo>/.models)
#
# The package tarball is fetched with `npm pack`, checked against the pinned SHA-256 below and unpacked
# into DEST/faceplugin-face-recognition-js-0.0.1/{model/*.onnx,LICENSE}. DEST is git-ignored: model files
# are never committed. A second run with the models in place does nothing.
set -euo pipefail

PACKAGE="faceplugin-face-recognition-js@0.0.1"
TARBALL="faceplugin-face-recognition-js-0.0.1.tgz"
SHA256="7ea06031d9a3f83753254fcff60506a07b81b46fc84d4ee024cd041f260ec1ba"
MODELS="fr_detect fr_landmark fr_feature fr_age fr_gender fr_liveness"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$ROOT/.models}"
TARGET="$DEST/faceplugin-face-recognition-js-0.0.1"
STAMP="$TARGET/.sha256"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$SHA256" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed to fetch the face models ($PACKAGE) but was not found on PATH." >&2
  echo "       Install Node.js/npm (e.g. 'apt-get install nodejs npm') and build again." >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "Fetching face models: npm pack $PACKAGE"
( cd "$WORK" && npm pack --silent "$PACKAGE" >/dev/null )
if [[ ! -f "$WORK/$TARBALL" ]]; then
  echo "error: npm pack $PACKAGE did not produce $TARBALL" >&2
  exit 1
fi
ACTUAL="$(sha256sum "$WORK/$TARBALL" | cut -d' ' -f1)"
if [[ "$ACTUAL" != "$SHA256" ]]; then
  echo "error: checksum mismatch for $TARBALL" >&2
  echo "       expected sha256 $SHA256" >&2
  echo "       got      sha256 $ACTUAL" >&2
  echo "       The package on the registry is not the one facesearch was measured with; refusing to use it." >&2
  exit 1
fi

tar -xzf "$WORK/$TARBALL" -C "$WORK"
rm -rf "$TARGET"
mkdir -p "$TARGET/model"
for m in $MODELS; do
  cp "$WORK/package/model/$m.onnx" "$TARGET/model/"
done
cp "$WORK/package/LICENSE" "$TARGET/LICENSE"
echo "$SHA256" > "$STAMP"
echo "Face models ready in $TARGET"
