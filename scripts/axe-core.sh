#!/usr/bin/env bash
# The accessibility checker the browser tests inject into pages: axe-core's axe.min.js, fetched once into DEST
# (default <repo>/data/axe) with `npm pack` (no install, no scripts), the tarball and the script each checked by
# sha256. The tests read it from there and never download anything. Idempotent and quick when present.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/data/axe}

PKG=axe-core@4.14.1
TGZ=axe-core-4.14.1.tgz
TGZ_SHA=e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
SCRIPT=axe.min.js
SCRIPT_SHA=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c

die() { printf 'axe-core: ERROR: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
[ -f "$DEST/$SCRIPT" ] && [ "$(sha "$DEST/$SCRIPT")" = "$SCRIPT_SHA" ] && exit 0

command -v npm >/dev/null || die "npm is needed once to fetch axe-core (apt-get install -y nodejs npm)"
printf '==> axe-core: fetching %s (npm pack, no scripts)\n' "$PKG" >&2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --ignore-scripts "$PKG" >/dev/null 2>"$work/npm-pack.log") \
  || die "npm pack $PKG failed: $(cat "$work/npm-pack.log")"
[ "$(sha "$work/$TGZ")" = "$TGZ_SHA" ] || die "$TGZ has sha256 $(sha "$work/$TGZ"), expected $TGZ_SHA"
tar -xzf "$work/$TGZ" -C "$work" "package/$SCRIPT" package/LICENSE
[ "$(sha "$work/package/$SCRIPT")" = "$SCRIPT_SHA" ] || die "$SCRIPT has sha256 $(sha "$work/package/$SCRIPT"), expected $SCRIPT_SHA"
cp -f "$work/package/LICENSE" "$DEST/LICENSE"   # MPL-2.0
mv -f "$work/package/$SCRIPT" "$DEST/$SCRIPT"
printf '==> axe-core: ready in %s\n' "$DEST" >&2
