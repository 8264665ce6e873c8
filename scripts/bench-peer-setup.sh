#!/usr/bin/env bash
# Installs the benchmark's peer (@imgly/background-removal-node 1.4.5) under bench/peer from the npm
# registry only. Idempotent: a second run only checks a stamp and that the native modules load.
#
# Why --ignore-scripts is enough: the package pins sharp ~0.32, whose install script downloads libvips
# from GitHub (fails here). bench/peer/package.json overrides sharp to 0.34.5, which ships libvips and
# its binding as npm packages (@img/sharp-linux-x64, @img/sharp-libvips-linux-x64) and needs no script;
# onnxruntime-node 1.17.3 carries its CPU binary in its tarball (bin/napi-v3/linux/x64), its postinstall
# only fetches optional CUDA libraries. So nothing needs to run at install time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEER=$ROOT/bench/peer
STAMP=$PEER/node_modules/.blazorcutout-stamp

command -v node >/dev/null || { echo "bench-peer-setup: node is required (node >= 20.3)" >&2; exit 1; }
command -v npm  >/dev/null || { echo "bench-peer-setup: npm is required" >&2; exit 1; }

want="$(sha256sum "$PEER/package-lock.json" | cut -d' ' -f1) $(node -p 'process.version + " " + process.arch')"

smoke() {
  (cd "$PEER" && node -e '
    const sharp = require("sharp"); require("onnxruntime-node");
    require.resolve("@imgly/background-removal-node");
    if (sharp.versions.sharp !== "0.34.5") throw new Error("sharp " + sharp.versions.sharp);
  ')
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && smoke 2>/dev/null; then
  exit 0
fi

echo "==> installing the bench peer under bench/peer (npm ci --ignore-scripts)" >&2
(cd "$PEER" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
smoke
echo "$want" > "$STAMP"
