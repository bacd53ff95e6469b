#!/usr/bin/env bash
# Stops the local control plane and checks that none of its processes is left behind.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/kwokctl-env.sh"
mkdir -p "$K8S_CLUSTER_DIR"

# Holding the lock keeps a concurrent up.sh from reusing a cluster that is going away. The watchdog
# already holds it when it calls us.
if [[ -z ${SLIPWAY_K8S_LOCKED:-} ]]; then
  exec 9>"$K8S_LOCK"
  flock 9
fi

# The opt-in data plane (Contour + Envoy) watches this cluster: it goes first.
"$here/dataplane.sh" down || echo "down.sh: stopping the data plane failed; continuing" >&2

if [[ -x "$K8S_BIN/kwokctl" ]] && kwokctl get clusters 2>/dev/null | grep -qx "$K8S_CLUSTER_NAME"; then
  kwokctl delete cluster --kubeconfig "$K8S_KUBECONFIG" >&2 || echo "down.sh: kwokctl delete cluster failed; checking for leftovers" >&2
fi
rm -f "$K8S_KUBECONFIG" "$K8S_CLUSTER_DIR/ready" "$K8S_USERS_DIR"/*

# Anything still running from our binaries belongs to this cluster: report it and stop it by PID.
mapfile -t leftover < <(control_plane_pids | cut -d' ' -f1)
if ((${#leftover[@]})); then
  echo "down.sh: stopping leftover control-plane processes: $(control_plane_pids | tr '\n' ' ')" >&2
  kill "${leftover[@]}" 2>/dev/null || true
  sleep 2
  kill -9 "${leftover[@]}" 2>/dev/null || true
fi
echo "down.sh: cluster '$K8S_CLUSTER_NAME' stopped" >&2
