#!/usr/bin/env bash
# npm run test:fresh: the whole test suite on a fresh Debian or Ubuntu machine. Installs what the
# tests drive that is not there yet (Debian packages, with sudo when not root; the npm dependencies),
# then runs npm test. What is there is left alone: on a machine that has everything it installs
# nothing. .ci/run runs this same script, so the two cannot drift.
#
#   --dry-run   say what would be installed and run, and do nothing
set -euo pipefail
cd "$(dirname "$0")/.."

dry=""
case "${1:-}" in
  "") ;;
  --dry-run) dry=1 ;;
  *) echo "usage: scripts/test-fresh.sh [--dry-run]" >&2; exit 2 ;;
esac
run() {
  echo "+ $*"
  if [ -z "$dry" ]; then "$@"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# The Debian packages the tests drive, found where tests/helpers/tools.ts looks for them:
#   chromium        layout, preview, screenshot, site and report tests (through playwright-core), axe
#   chromium-headless-shell  where Debian has it: what enews prefers; src/browser's tests run on both
#   dovecot-imapd   a real IMAP server for the enews inbox tests (each test run starts its own on 127.0.0.1)
#   spamassassin    enews check --spam (local rules only: the package's own rules, no sa-update, no network)
#   postgresql      initdb, pg_ctl and postgres, for the list state in PostgreSQL (each run its own cluster)
need=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || need+=(chromium)
elif ! { have chromium || have chromium-browser || have google-chrome || have google-chrome-stable \
  || [ -x /snap/bin/chromium ]; }; then
  need+=(chromium)
fi
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/lib/chromium/chromium-headless-shell ] \
  && apt-cache show chromium-headless-shell >/dev/null 2>&1; then
  need+=(chromium-headless-shell)
fi
[ -x "${DOVECOT_BIN:-/usr/sbin/dovecot}" ] || need+=(dovecot-imapd)
if [ -n "${SPAMASSASSIN_PATH:-}" ]; then
  [ -x "$SPAMASSASSIN_PATH" ] || need+=(spamassassin)
elif ! have spamassassin; then
  need+=(spamassassin)
fi
if [ -n "${PG_BIN:-}" ]; then
  [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] || need+=(postgresql)
elif ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
  need+=(postgresql)
fi

if [ "${#need[@]}" -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! have sudo; then
      echo "test:fresh: ${need[*]} must be installed, which needs root: run this as root, or install sudo." >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  run "${sudo[@]}" apt-get update -q
  # Debian calls it chromium; Ubuntu only has chromium-browser (which installs the snap).
  if [[ " ${need[*]} " == *" chromium "* ]] && [ -z "$dry" ] && ! apt-cache show chromium >/dev/null 2>&1; then
    need=("${need[@]/#chromium/chromium-browser}")
  fi
  run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
else
  echo "Debian packages: chromium, dovecot-imapd, spamassassin, postgresql are there (nothing to install)."
fi

# npm ci on a fresh clone (or when node_modules does not match package.json); never over a working install.
if [ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1; then
  echo "npm dependencies: installed (npm ci skipped)."
else
  run npm ci
fi

# The full-disk tests mount a small tmpfs: only root may, and in a container only with CAP_SYS_ADMIN.
# Where that cannot be, they are skipped on purpose (ENEWS_TEST_NO_ROOT=1), and this says so.
if [ -z "${ENEWS_TEST_NO_ROOT:-}" ]; then
  why=""
  if [ "$(id -u)" -ne 0 ]; then
    why="not root"
  else
    probe="$(mktemp -d)"
    if mount -t tmpfs -o size=64k tmpfs "$probe" 2>/dev/null; then
      umount "$probe"
    else
      why="root may not mount here"
    fi
    rmdir "$probe"
  fi
  if [ -n "$why" ]; then
    echo "The full-disk tests (they mount a small tmpfs) are skipped: $why (ENEWS_TEST_NO_ROOT=1)."
    export ENEWS_TEST_NO_ROOT=1
  fi
fi

run npm test
