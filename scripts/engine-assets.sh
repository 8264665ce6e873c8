#!/usr/bin/env bash
# Prepares the local cutout engine's model in DEST (default <repo>/data/engine), once:
#   isnet-medium.onnx        ISNet weights, fp16 (AGPL-3.0 packaging)  from npm @imgly/background-removal-data@1.4.5
# ONNX Runtime and libvips are not prepared here: they come with the engine's NuGet packages
# (Microsoft.ML.OnnxRuntime, NetVips.Native.linux-x64) at restore time.
# The package is fetched with `npm pack` (no install, no scripts) into DEST/.cache, only the needed files are
# extracted with tar, the model's chunks are joined in the order of dist/resources.json, and the result is
# checked against the sha256 pinned below (the engine checks the same hash before it loads the model).
# Idempotent: when DEST/.prepared matches this script's pins, it exits at once. Nothing here runs at app run time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-${BlazorCutout__Engine__AssetsDirectory:-$ROOT/data/engine}}

MODEL_PKG=@imgly/background-removal-data@1.4.5
MODEL_TGZ=imgly-background-removal-data-1.4.5.tgz
MODEL_TGZ_SHA=ca7789abb39370727c9a098310b53bce41518d200000423c7107f8c01bbce946
MODEL_KEY=/models/medium
MODEL_FILE=isnet-medium.onnx
MODEL_SIZE=88188479
MODEL_SHA=b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb

STAMP_CONTENT="$MODEL_FILE $MODEL_SHA"

say() { printf '==> engine assets: %s\n' "$*" >&2; }
die() { printf 'engine assets: ERROR: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
check() { # file expected-sha
  [ -f "$1" ] || die "missing $1"
  local got; got=$(sha "$1")
  [ "$got" = "$2" ] || die "checksum mismatch for $1 (expected $2, got $got); delete it and run again"
}

mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
STAMP="$DEST/.prepared"

# Fast path: stamp written by a previous successful run with the same pins, and files of the right size present.
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_CONTENT" ] \
   && [ -f "$DEST/$MODEL_FILE" ] \
   && [ "$(stat -c %s "$DEST/$MODEL_FILE")" = "$MODEL_SIZE" ] && [ "${ENGINE_ASSETS_VERIFY:-0}" != 1 ]; then
  exit 0
fi

command -v npm >/dev/null || die "npm is needed once to fetch the engine model (apt-get install -y nodejs npm)"
command -v tar >/dev/null || die "tar is needed"
command -v sha256sum >/dev/null || die "sha256sum is needed"
command -v node >/dev/null || die "node is needed to read the model's resources.json"

CACHE="$DEST/.cache"
mkdir -p "$CACHE"
rm -f "$STAMP"

fetch() { # package tgz sha
  local pkg=$1 tgz=$2 want=$3
  if [ -f "$CACHE/$tgz" ] && [ "$(sha "$CACHE/$tgz")" = "$want" ]; then return 0; fi
  rm -f "$CACHE/$tgz"
  say "fetching $pkg (npm pack, no scripts)"
  (cd "$CACHE" && npm pack --silent --ignore-scripts "$pkg" >/dev/null 2>"$CACHE/npm-pack.log") \
    || die "npm pack $pkg failed (see $CACHE/npm-pack.log)"
  check "$CACHE/$tgz" "$want"
}

WORK=$(mktemp -d "$DEST/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Model: chunks named by their sha256, joined in the order resources.json lists them.
if [ ! -f "$DEST/$MODEL_FILE" ] || [ "$(sha "$DEST/$MODEL_FILE")" != "$MODEL_SHA" ]; then
  fetch "$MODEL_PKG" "$MODEL_TGZ" "$MODEL_TGZ_SHA"
  say "extracting and joining $MODEL_FILE"
  tar -xzf "$CACHE/$MODEL_TGZ" -C "$WORK" package/dist/resources.json package/LICENSE.md
  node -e '
    const r = require(process.argv[1])[process.argv[2]];
    if (!r) { console.error("no " + process.argv[2] + " in resources.json"); process.exit(1); }
    for (const c of r.chunks) console.log(c.hash);' "$WORK/package/dist/resources.json" "$MODEL_KEY" > "$WORK/chunks.txt" \
    || die "cannot read the chunk list of $MODEL_KEY"
  sed 's#^#package/dist/#' "$WORK/chunks.txt" > "$WORK/members.txt"
  tar -xzf "$CACHE/$MODEL_TGZ" -C "$WORK" -T "$WORK/members.txt"
  : > "$WORK/$MODEL_FILE"
  while read -r h; do
    [ "$(sha "$WORK/package/dist/$h")" = "$h" ] || die "model chunk $h is corrupt"
    cat "$WORK/package/dist/$h" >> "$WORK/$MODEL_FILE"
  done < "$WORK/chunks.txt"
  check "$WORK/$MODEL_FILE" "$MODEL_SHA"
  mkdir -p "$DEST/licenses"
  cp -f "$WORK/package/LICENSE.md" "$DEST/licenses/isnet-weights-LICENSE.md"
  mv -f "$WORK/$MODEL_FILE" "$DEST/$MODEL_FILE"
fi

check "$DEST/$MODEL_FILE" "$MODEL_SHA"
printf '%s' "$STAMP_CONTENT" > "$STAMP"
say "ready in $DEST"
