#!/usr/bin/env bash
# Kubernetes integration: builds the local control plane when it is missing (a cold build on a new
# machine: see docs/testing-kubernetes.md; a reused machine skips it), runs the
# smoke tests of the cluster itself with SLIPWAY_K8S=1 (required: they fail instead of skipping), and
# checks that the cluster the tests started is stopped afterwards with no process left behind.
# npm test, run by .ci/run after this script, starts the cluster again for every Kubernetes suite.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/k8s/versions.sh
source scripts/k8s/kwokctl-env.sh

start=$(date +%s)
bash scripts/k8s/build.sh
echo "40-k8s: control plane built or found in $(($(date +%s) - start))s"

# A cluster left running by hand would be reused and kept; CI wants the test-started lifecycle. On a
# shared development machine another test run may be using it: then reuse it and skip the check.
shared=0
for user in "$K8S_USERS_DIR"/*; do
  [[ -e $user ]] && kill -0 "$(basename "$user")" 2>/dev/null && shared=1
done
((shared)) || bash scripts/k8s/down.sh

start=$(date +%s)
SLIPWAY_K8S=1 node_modules/.bin/node --test --test-concurrency=1 'test/k8s/**/*.test.ts'
echo "40-k8s: cluster smoke tests (including the warm start) took $(($(date +%s) - start))s"

if ((shared)); then
  echo "40-k8s: the cluster is shared with another test run still going; its watchdog stops it later"
  exit 0
fi
# The watchdog stops the cluster a test run started once that run has exited.
for _ in $(seq 1 60); do
  [[ ! -e $K8S_KUBECONFIG && -z $(control_plane_pids) ]] && break
  sleep 1
done
mapfile -t left < <(control_plane_pids)
if [[ -e $K8S_KUBECONFIG ]] || ((${#left[@]})); then
  echo "40-k8s: the cluster was not stopped after the tests: ${left[*]:-kubeconfig still present}" >&2
  bash scripts/k8s/down.sh
  exit 1
fi
echo "40-k8s: the cluster was stopped after the tests; no control-plane process is left"
