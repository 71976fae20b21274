#!/usr/bin/env bash
# Builds the offline installation bundle for the air-gapped workstation:
#   dist/bundle/mijian_<version>_amd64.deb   the one-folder program under /opt/mijian, a menu
#                                            entry and icon (密件台账), `mijian` on PATH
#   dist/bundle/SHA256SUMS                   the line the custodian compares on paper
# The program folder carries MANIFEST.sha256 of its own files; `mijian --self-check` verifies it.
#
#   bash tools/bundle.sh                 build the PyInstaller program, then the .deb
#   bash tools/bundle.sh --dist DIR      package an already built one-folder program DIR
#   bash tools/bundle.sh --version V     stamp another version (used by the upgrade test)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
python="${PYTHON:-$root/.venv/bin/python}"
dist="" out="$root/dist/bundle" version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    *) echo "usage: bash tools/bundle.sh [--dist DIR] [--out DIR] [--version V]" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')"
arch="$(dpkg --print-architecture)"
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is needed (Debian's dpkg package)" >&2; exit 1; }

if [ -z "$dist" ]; then
  mkdir -p "$root/build"
  "$python" -m PyInstaller build.spec --noconfirm --distpath "$root/build/bundle/dist" \
    --workpath "$root/build/bundle/work" >"$root/build/bundle.log" 2>&1 \
    || { tail -20 "$root/build/bundle.log" >&2; exit 1; }
  dist="$root/build/bundle/dist/mijian"
fi
[ -x "$dist/mijian" ] || { echo "no program at $dist/mijian" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/mijian"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/256x256/apps" "$pkg/usr/share/doc/mijian"
cp -a "$dist" "$pkg/opt/mijian"
chmod -R u+rwX,go+rX,go-w "$pkg/opt/mijian"
"$python" -m app.selfcheck write "$pkg/opt/mijian" >/dev/null
ln -s /opt/mijian/mijian "$pkg/usr/bin/mijian"
install -m 644 packaging/mijian.desktop "$pkg/usr/share/applications/mijian.desktop"
install -m 644 resources/icons/mijian.png "$pkg/usr/share/icons/hicolor/256x256/apps/mijian.png"
install -m 644 packaging/copyright "$pkg/usr/share/doc/mijian/copyright"
size_kb="$(du -sk "$pkg/opt" | cut -f1)"
# What a bare Debian 12 desktop already has: the C library and Qt's X11/EGL/font libraries.
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: mijian
Version: $version
Architecture: $arch
Maintainer: MiJian <mijian@localhost>
Installed-Size: $size_kb
Depends: libc6 (>= 2.36), libegl1, libgl1, libxkbcommon0, libfontconfig1, libdbus-1-3, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libxcb-xfixes0, libxcb-sync1, libxrender1, libxi6
Section: misc
Priority: optional
Description: 密件台账 MiJian - ledger of a classified-document room
 Registration copy by copy, checkout and return by scan, leader instructions,
 recall and witnessed destruction, on one air-gapped workstation. Rooms are
 encrypted local SQLCipher files; the program needs no network.
CONTROL
mkdir -p "$out"
deb="$out/mijian_${version}_${arch}.deb"
# zstd -9: 92 MB in about 8 s of CPU; xz -6 saves 17 MB for 3 minutes (dpkg reads zstd since 1.21.18).
dpkg-deb --build --root-owner-group -Zzstd -z9 "$pkg" "$deb" >/dev/null
(cd "$out" && sha256sum "$(basename "$deb")" > SHA256SUMS)
echo "bundle: $deb"
echo "size: $(du -m "$deb" | cut -f1) MB"
cat "$out/SHA256SUMS"
