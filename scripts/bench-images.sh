#!/usr/bin/env bash
# The benchmark's fixed image set, made idempotently in DEST (default: <data>/bench-images, where
# `cutout-cli bench` looks by default):
#   astronaut.png 512x512, coffee.png 600x400, chelsea.png 451x300, rocket.jpg 640x427,
#   motorcycle_left.png 741x500 - scikit-image's sample photos, the same the engine tests use: taken
#     from scripts/test-images.sh (Debian's python3-skimage, checked by sha256), not fetched twice;
#   coffee-12mp.jpg 4000x3000 - coffee.png scaled to cover 4:3 with lanczos3 by sharp 0.34.5
#     (bench/peer/make-large.mjs; deterministic, sha256 2a960f44...), the 12 MP JPEG on which the
#     overhead target is measured.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${BlazorCutout__Data__Directory:-$ROOT/data}
DEST=${1:-$DATA/bench-images}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
PHOTOS="astronaut.png coffee.png chelsea.png rocket.jpg motorcycle_left.png"
LARGE=coffee-12mp.jpg
LARGE_SHA256=2a960f44c4f62b1d908330ddf28d30d0f59a78d7d0cf25f9f6b379914b7d6e2d

# The test photos (idempotent, verified by sha256 there); copied only when they differ.
TESTS="$DATA/test-images"
bash "$ROOT/scripts/test-images.sh" "$TESTS"
for name in $PHOTOS; do
  cmp -s "$TESTS/$name" "$DEST/$name" 2>/dev/null || cp -f "$TESTS/$name" "$DEST/$name"
done

if [ ! -s "$DEST/$LARGE" ]; then
  bash "$ROOT/scripts/bench-peer-setup.sh"   # sharp comes with the peer
  echo "==> bench images: making $LARGE (4000x3000) from coffee.png" >&2
  node "$ROOT/bench/peer/make-large.mjs" "$DEST/coffee.png" "$DEST/$LARGE.tmp" 4000 3000
  got=$(sha256sum "$DEST/$LARGE.tmp" | cut -d' ' -f1)
  [ "$got" = "$LARGE_SHA256" ] || echo "bench images: note: $LARGE has sha256 $got, not $LARGE_SHA256 (another sharp/libvips?)" >&2
  mv -f "$DEST/$LARGE.tmp" "$DEST/$LARGE"
fi
echo "$DEST"
