#!/usr/bin/env bash
# One entry point for a fresh machine:
#   ./run.sh demo   install, create the database, load the demo data, serve on http://127.0.0.1:8000
#   ./run.sh test   install (with test tools and Chromium), run the whole test suite
# Anything after the verb is passed on (to runserver for demo, to pytest for test).
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

find_python() {
  # Django 6 needs Python >= 3.12: take one from PATH, else a pyenv build.
  local candidates=("${PYTHON:-}" python3.13 python3.12 python3)
  local prefix
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -Vr); do
      prefix=$(pyenv prefix "$v" 2>/dev/null) && candidates+=("$prefix/bin/python3")
    done
  fi
  for c in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  echo "No Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2
  return 1
}

apt_install_missing() {
  # Debian packages the app and its tests need, installed only when missing.
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install these packages: ${missing[*]}" >&2; return 1
  fi
  say "Installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

find_uv() {
  # uv on PATH, else the one an earlier run installed as a module of this Python (its
  # script folder is often not on PATH, so `command -v uv` would never find it again).
  local py="$1"
  # (A pyenv shim named uv may exist yet fail for the active Python version: run it to be sure.)
  if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then command -v uv; return 0; fi
  if "$py" -m uv --version >/dev/null 2>&1; then echo "$py -m uv"; return 0; fi
  return 1
}

install() {
  local extras="$1"
  local py; py=$(find_python)
  local uv
  if ! uv=$(find_uv "$py"); then
    say "Installing uv, the package installer (once; about 10 s)"
    PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 "$py" -m pip install -q uv
    uv=$(find_uv "$py")
  fi
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    say "Creating .venv with $py"
    rm -rf .venv; $uv venv -q -p "$py" .venv
  fi
  # The versions pinned in uv.lock, so CI and every machine run the same. --locked refuses
  # a uv.lock that no longer matches pyproject.toml (run `uv lock` after changing the
  # dependencies); --inexact leaves other packages in .venv alone.
  say "Installing Python packages from uv.lock (about 30 s the first time, a few seconds after)"
  UV_PROJECT_ENVIRONMENT=.venv $uv sync -q --locked --inexact --compile-bytecode -p .venv/bin/python $extras
  # (libharfbuzz-subset0: WeasyPrint subsets the PDF fonts with it, fast and without a
  # "Using fontTools instead of HarfBuzz-Subset" warning per PDF.)
  apt_install_missing gettext fonts-liberation2 fonts-noto-core libharfbuzz-subset0
  say "Compiling the Vietnamese translations (a few seconds)"
  .venv/bin/python manage.py compilemessages -v0 --ignore=.venv
  # The project's own modules compiled to bytecode once (the packages above are compiled
  # by uv), so that no start of the server, a worker or a command compiles them again:
  # 0.7–0.9× `manage.py check`'s start-up where PYTHONDONTWRITEBYTECODE is set (bench/RESULTS.md).
  .venv/bin/python -m compileall -q -j 0 manage.py $(ls -d */__init__.py | xargs -n1 dirname) >/dev/null
}

case "${1:-}" in
  demo)
    shift
    install ""
    say "Creating the database (SQLite, db.sqlite3; about 10 s)"
    .venv/bin/python manage.py migrate -v0
    say "Loading the demo data: two provinces, their plans and candidates, then the 2025 reorganization (about 60 s)"
    .venv/bin/python manage.py seed_demo --reorganized
    address=${1:-127.0.0.1:8000}
    # The task worker runs large exports and refreshes big dashboards in the background.
    .venv/bin/python manage.py db_worker --no-reload -v0 &
    worker=$!
    trap 'kill $worker 2>/dev/null' EXIT
    say "Serving: open http://$address and log in with one of the accounts above (Ctrl+C stops)."
    .venv/bin/python manage.py runserver "$address"
    ;;
  test)
    shift
    install "--extra dev"
    apt_install_missing chromium poppler-utils
    export DJANGO_ALLOW_ASYNC_UNSAFE=true
    # The whole suite (browser tests included) runs on every core (pytest-xdist; `-n 0`
    # runs it in one process); `./run.sh test -m "not browser"` skips Chromium, `-k word`
    # runs a few.
    if [ -n "${DATABASE_URL:-}" ]; then where="$DATABASE_URL"; else where="SQLite"; fi
    say "Running the tests on $where, one process per core (a few minutes; each dot is a passing test)"
    exec .venv/bin/python -m pytest -n auto "$@"
    ;;
  *)
    echo "usage: ./run.sh demo | ./run.sh test [pytest args]" >&2; exit 2 ;;
esac
