#!/usr/bin/env bash
# The engine tests' photos, fetched once into DEST (default: <repo>/data/test-images):
# scikit-image's sample photos from Debian's python3-skimage package, downloaded with `apt-get download`
# and unpacked with dpkg-deb (never installed), each checked by sha256. Idempotent and quick when present.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-${BlazorCutout__Data__Directory:-$ROOT/data}/test-images}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)

# name sha256
PHOTOS="astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
coffee.png cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7
chelsea.png 596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb
rocket.jpg c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c
motorcycle_left.png db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179"

photos_ok() {
  local name sum
  while read -r name sum; do
    [ -f "$DEST/$name" ] && [ "$(sha256sum "$DEST/$name" | cut -d' ' -f1)" = "$sum" ] || return 1
  done <<< "$PHOTOS"
}

photos_ok && exit 0

echo "==> test images: fetching scikit-image's sample photos from Debian's python3-skimage" >&2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
if ! (cd "$work" && apt-get download -qq python3-skimage 2>/dev/null); then
  $sudo apt-get update -qq
  (cd "$work" && apt-get download -qq python3-skimage) || { echo "test images: ERROR: apt-get download python3-skimage failed" >&2; exit 1; }
fi
dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
while read -r name sum; do
  src="$work/x/usr/lib/python3/dist-packages/skimage/data/$name"
  [ -f "$src" ] || { echo "test images: ERROR: $name is not in python3-skimage" >&2; exit 1; }
  got=$(sha256sum "$src" | cut -d' ' -f1)
  [ "$got" = "$sum" ] || { echo "test images: ERROR: $name has sha256 $got, expected $sum" >&2; exit 1; }
  cp -f "$src" "$DEST/$name"
done <<< "$PHOTOS"
echo "==> test images: ready in $DEST" >&2
