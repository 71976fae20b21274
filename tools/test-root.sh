#!/usr/bin/env bash
# Makes the fresh Debian 12 root that tests/test_bundle.py installs the .deb into, offline:
# a minimal system plus the libraries every Debian 12 desktop has (Qt's X11, EGL and fonts).
# Kept outside the repository (default /var/cache/mijian/bookworm-root, or $MIJIAN_TEST_ROOT)
# and reused; needs root and the network once (about 5 minutes). The test skips, saying so,
# when the root is absent.
set -euo pipefail
target="${MIJIAN_TEST_ROOT:-/var/cache/mijian/bookworm-root}"
[ -d "$target" ] && { echo "already there: $target"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
libs=libegl1,libgl1,libxkbcommon0,libfontconfig1,libdbus-1-3,libxkbcommon-x11-0,libxcb-cursor0
libs=$libs,libxcb-icccm4,libxcb-image0,libxcb-keysyms1,libxcb-randr0,libxcb-render-util0
libs=$libs,libxcb-shape0,libxcb-xinerama0,libxcb-xkb1,libxcb-xfixes0,libxcb-sync1,libxrender1
libs=$libs,libxi6,fontconfig
mkdir -p "$(dirname "$target")"
debootstrap --variant=minbase --include="$libs" bookworm "$target.tmp" http://deb.debian.org/debian
mv "$target.tmp" "$target"
echo "made: $target"
