#!/usr/bin/env bash
# Started by up.sh --user-pid for a cluster that a test run brought up: stops the cluster once every
# PID recorded in the users folder has exited, so a test run leaves no process behind while test
# runs that overlap (several engineers on one machine) share one cluster.
# shellcheck source-path=SCRIPTDIR
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/kwokctl-env.sh"

exec 9>"$K8S_LOCK"
while sleep 2; do
  flock 9
  if [[ ! -s $K8S_KUBECONFIG ]]; then
    echo "watchdog: the cluster was stopped by someone else" && exit 0
  fi
  alive=0
  for user in "$K8S_USERS_DIR"/*; do
    [[ -e $user ]] || continue
    if kill -0 "$(basename "$user")" 2>/dev/null; then alive=1; else rm -f "$user"; fi
  done
  if ((!alive)); then
    echo "watchdog: $(date -u +%FT%TZ) no test run uses the cluster any more; stopping it"
    SLIPWAY_K8S_LOCKED=1 "$here/down.sh"
    exit 0
  fi
  flock -u 9
done
