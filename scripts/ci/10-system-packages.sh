#!/usr/bin/env bash
# The system tools the test suite needs (scripts/prerequisites/list.ts: Prometheus, setpriv, ...),
# installed when missing. `npm test` does the same before the tests; this step makes the install
# show up on its own in CI's log, before the Kubernetes smoke tests of 40-k8s.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/node scripts/prerequisites/run.ts
# The Debian package starts a Prometheus service where an init system runs; the tests start their own.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  sudo=""
  ((EUID == 0)) || sudo="sudo"
  $sudo systemctl stop prometheus || true
fi
