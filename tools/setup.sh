#!/usr/bin/env bash
# One script behind the README's two commands, for a fresh Debian (or Ubuntu) machine:
#   bash tools/setup.sh demo   installs MiJian and opens the demo room
#   bash tools/setup.sh test   installs MiJian with its test tools and runs every check CI runs
# It installs the Debian packages Qt needs, makes .venv/ beside this repository, and installs
# the project into it. Run it as root or as a user who may sudo.
set -euo pipefail
mode="${1:-}"
case "$mode" in demo|test) ;; *) echo "usage: bash tools/setup.sh demo|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

# Qt's offscreen platform needs the first five; a real window needs the xcb set; the tests
# rasterise PDFs with poppler-utils; python3-venv makes the virtual environment; fonts-hanazono
# prints and shows CJK Ext-A/Ext-B name characters (𠮷, 䶮), fonts-dejavu-core is the window's
# Latin face (app/reports/fonts.py, ui/fonts.py; build.spec copies both into the program).
packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
          libxcb-xfixes0 libxcb-sync1 libxrender1 libxi6
          poppler-utils python3-venv fonts-hanazono fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
if [ "$mode" = demo ]; then
  # pip runs only when pyproject.toml (name, version, dependencies, entry points) changed since
  # the last install, or the program is missing: the install is editable, so code changes need
  # none. The stamp holds pyproject.toml's hash.
  stamp=.venv/.mijian-demo-installed
  current="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ -x .venv/bin/mijian ] && [ "$(cat "$stamp" 2>/dev/null)" = "$current" ] \
      && .venv/bin/mijian --version >/dev/null 2>&1; then
    echo "MiJian is already installed in .venv/ and current; skipping pip."
  else
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e .
    echo "$current" > "$stamp"
  fi
  echo "The program is .venv/bin/mijian (not on PATH): .venv/bin/mijian --demo opens the demo again."
  exec .venv/bin/mijian --demo
fi

.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
export QT_QPA_PLATFORM=offscreen
echo "== ruff"
.venv/bin/ruff check app db ui tests bench
.venv/bin/ruff format --check app db ui tests bench
echo "== mypy (strict on app/ and db/)"
.venv/bin/mypy
echo "== import layers"
.venv/bin/lint-imports
# The bundle test installs the .deb into a fresh, offline Debian root made once and cached
# outside the repository; without root or network it cannot be made and that test says so.
if [ "$(id -u)" -eq 0 ]; then
  bash tools/test-root.sh || echo "(no fresh Debian root: the bundle test will skip its install part)"
fi
echo "== pytest"
# One worker per core (pytest-xdist); the build and bundle tests share one worker (xdist_group).
.venv/bin/python -m pytest -n auto --dist loadgroup
