#!/usr/bin/env bash
# Debian packages the test suite uses, installed when missing:
#   prometheus  the real Prometheus the analysis tests and the production rehearsal scrape with
#   util-linux  setpriv, which ties app processes to their parent (local target, test stand-ins)
#   chromium    the real browser the dashboard tests drive with playwright-core (never `playwright install`)
set -euo pipefail

missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v setpriv >/dev/null || missing+=(util-linux)
command -v chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]} == 0)); then
  echo "system packages: all present (prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'))"
  exit 0
fi

echo "system packages: installing ${missing[*]}"
sudo=""
((EUID == 0)) || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a Prometheus service where an init system runs; the tests start their own.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  $sudo systemctl stop prometheus || true
fi
command -v prometheus >/dev/null
command -v chromium >/dev/null
