#!/usr/bin/env bash
# Prepares the local cutout engine's native assets in DEST (default <repo>/data/engine), once:
#   libonnxruntime.so.1      ONNX Runtime 1.30.0 CPU (MIT)            from npm onnxruntime-node@1.30.0
#   libvips-cpp.so.8.18.7    libvips 8.18.7 + glib (LGPL-3.0+)       from npm @img/sharp-libvips-linux-x64@1.3.4
#   isnet-medium.onnx        ISNet weights, fp16 (AGPL-3.0 packaging)  from npm @imgly/background-removal-data@1.4.5
# Packages are fetched with `npm pack` (no install, no scripts) into DEST/.cache, only the needed files are
# extracted with tar, the model's chunks are joined in the order of dist/resources.json, and every file is
# checked against the sha256 pinned below (the engine checks the same hashes before it loads anything).
# Idempotent: when DEST/.prepared matches this script's pins, it exits at once. Nothing here runs at app run time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-${BlazorCutout__Engine__AssetsDirectory:-$ROOT/data/engine}}

ORT_PKG=onnxruntime-node@1.30.0
ORT_TGZ=onnxruntime-node-1.30.0.tgz
ORT_TGZ_SHA=6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75
ORT_LIB=libonnxruntime.so.1
ORT_LIB_SHA=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23

VIPS_PKG=@img/sharp-libvips-linux-x64@1.3.4
VIPS_TGZ=img-sharp-libvips-linux-x64-1.3.4.tgz
VIPS_TGZ_SHA=e371cb713fc8822c96a0d3fb60a3d092799d0aefab6d7f1fb3b72d8d75f1d109
VIPS_LIB=libvips-cpp.so.8.18.7
VIPS_LIB_SHA=4aa73553408c3964071728f4a231a8e86918e39bc49f1fbae75355f7ea933ea9

MODEL_PKG=@imgly/background-removal-data@1.4.5
MODEL_TGZ=imgly-background-removal-data-1.4.5.tgz
MODEL_TGZ_SHA=ca7789abb39370727c9a098310b53bce41518d200000423c7107f8c01bbce946
MODEL_KEY=/models/medium
MODEL_FILE=isnet-medium.onnx
MODEL_SIZE=88188479
MODEL_SHA=b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb

STAMP_CONTENT="$ORT_LIB $ORT_LIB_SHA
$VIPS_LIB $VIPS_LIB_SHA
$MODEL_FILE $MODEL_SHA"

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
   && [ -f "$DEST/$ORT_LIB" ] && [ -f "$DEST/$VIPS_LIB" ] && [ -f "$DEST/$MODEL_FILE" ] \
   && [ "$(stat -c %s "$DEST/$MODEL_FILE")" = "$MODEL_SIZE" ] && [ "${ENGINE_ASSETS_VERIFY:-0}" != 1 ]; then
  exit 0
fi

command -v npm >/dev/null || die "npm is needed once to fetch the engine assets (apt-get install -y nodejs npm)"
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

# ONNX Runtime
if [ ! -f "$DEST/$ORT_LIB" ] || [ "$(sha "$DEST/$ORT_LIB")" != "$ORT_LIB_SHA" ]; then
  fetch "$ORT_PKG" "$ORT_TGZ" "$ORT_TGZ_SHA"
  say "extracting $ORT_LIB"
  tar -xzf "$CACHE/$ORT_TGZ" -C "$WORK" "package/bin/napi-v6/linux/x64/$ORT_LIB" "package/package.json"
  check "$WORK/package/bin/napi-v6/linux/x64/$ORT_LIB" "$ORT_LIB_SHA"
  mv -f "$WORK/package/bin/napi-v6/linux/x64/$ORT_LIB" "$DEST/$ORT_LIB"
  rm -rf "$WORK/package"
fi

# libvips
if [ ! -f "$DEST/$VIPS_LIB" ] || [ "$(sha "$DEST/$VIPS_LIB")" != "$VIPS_LIB_SHA" ]; then
  fetch "$VIPS_PKG" "$VIPS_TGZ" "$VIPS_TGZ_SHA"
  say "extracting $VIPS_LIB"
  tar -xzf "$CACHE/$VIPS_TGZ" -C "$WORK" "package/lib/$VIPS_LIB" "package/versions.json" "package/README.md"
  check "$WORK/package/lib/$VIPS_LIB" "$VIPS_LIB_SHA"
  mkdir -p "$DEST/licenses"
  cp -f "$WORK/package/versions.json" "$DEST/licenses/libvips-versions.json"
  mv -f "$WORK/package/lib/$VIPS_LIB" "$DEST/$VIPS_LIB"
  rm -rf "$WORK/package"
fi

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

check "$DEST/$ORT_LIB" "$ORT_LIB_SHA"
check "$DEST/$VIPS_LIB" "$VIPS_LIB_SHA"
check "$DEST/$MODEL_FILE" "$MODEL_SHA"
printf '%s' "$STAMP_CONTENT" > "$STAMP"
say "ready in $DEST"
