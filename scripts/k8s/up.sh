#!/usr/bin/env bash
# Starts (or reuses) the local control plane: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and kwok, run by kwokctl's binary runtime from the binaries build.sh made. Then
# installs the CRDs (Gateway API; external-secrets' ExternalSecret; prometheus-operator's PodMonitor),
# three fake Ready nodes and a GatewayClass/Gateway. Prints the kubeconfig path as its last line.
#
#   up.sh                  start, or reuse a running cluster; it runs until down.sh
#   up.sh --user-pid PID   same, and record PID as a user: a cluster this call starts is stopped by
#                          watchdog.sh once every recorded PID has exited (used by the test helper)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/kwokctl-env.sh"

user_pid=""
while (($#)); do
  case $1 in
    --user-pid) user_pid="${2:?--user-pid needs a PID}"; shift 2 ;;
    *) echo "up.sh: unknown argument '$1' (expected: --user-pid PID)" >&2; exit 2 ;;
  esac
done

# Progress goes to stderr so that stdout's last line is the kubeconfig path.
"$here/build.sh" >&2
mkdir -p "$K8S_CLUSTER_DIR" "$K8S_USERS_DIR"

# The lock is an open file description: every process started while it is held must not inherit
# fd 9 (9>&- below), or a long-lived control-plane process would hold the lock forever.
exec 9>"$K8S_LOCK"
flock 9

# Server-side applies every pinned CRD bundle and waits until the API server serves them; the ready
# marker lists the bundles, so a reused cluster started with other pins (or before a bundle was
# added) gets the current ones.
install_crds() {
  local f
  for f in "${K8S_CRD_FILES[@]}"; do
    kubectl apply --server-side --force-conflicts --field-manager=slipway-k8s-up -f "$f" >/dev/null
  done
  # The Gateway API file also holds a ValidatingAdmissionPolicy (safe-upgrades), which has no
  # Established condition: wait for the CRDs only.
  kubectl wait --for=condition=Established --timeout=120s crd --all >/dev/null
  # Established is not yet served: for a few seconds a list answers 429 "storage is
  # (re)initializing". Wait until every CRD's objects can be listed.
  local plurals
  plurals=$(kubectl get crd -o jsonpath='{range .items[*]}{.spec.names.plural}.{.spec.group}{","}{end}')
  for _ in $(seq 1 120); do
    kubectl get "${plurals%,}" -A >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  kubectl get "${plurals%,}" -A >/dev/null
}
crds_marker() { printf '%s\n' "${K8S_CRD_FILES[@]##*/}"; }

# kwok marks every pod Running and Ready without running anything. Pods of these image versions
# (digests sha256:5ca1ab1e0001… to …0009) are left alone: the test's stand-in kubelet
# (test/support/k8s/standins/pods.ts) runs a real process for each and reports its real readiness.
standins=""
for n in 1 2 3 4 5 6 7 8 9; do standins+="${standins:+,}sha256-5ca1ab1e000$n"; done
KWOK_STANDIN_SELECTOR="app.kubernetes.io/version in ($standins)"
kwok_marker() { echo "kwok disregard-status-with-label-selector: $KWOK_STANDIN_SELECTOR"; }

if cluster_healthy && ! grep -qxF "$(kwok_marker)" "$K8S_CLUSTER_DIR/kwok-options" 2>/dev/null; then
  # kwok's options are fixed when the cluster is created: a cluster from an older up.sh is replaced.
  echo "up.sh: the running cluster was started with other kwok options; recreating it" >&2
  kwokctl delete cluster --kubeconfig "$K8S_KUBECONFIG" >/dev/null 2>&1 9>&- || true
  rm -f "$K8S_CLUSTER_DIR/ready"
fi

if cluster_healthy; then
  echo "up.sh: reusing the running cluster '$K8S_CLUSTER_NAME'" >&2
  if [[ $(cat "$K8S_CLUSTER_DIR/ready") != "$(crds_marker)" ]]; then
    echo "up.sh: installing the pinned CRDs into the running cluster" >&2
    install_crds
    crds_marker >"$K8S_CLUSTER_DIR/ready"
  fi
  [[ -n $user_pid ]] && : >"$K8S_USERS_DIR/$user_pid"
  echo "$K8S_KUBECONFIG"
  exit 0
fi

start=$(date +%s)
# A cluster left half-started (or killed) would make `create` fail: clear it first.
kwokctl delete cluster --kubeconfig "$K8S_KUBECONFIG" >/dev/null 2>&1 || true
rm -f "$K8S_KUBECONFIG" "$K8S_CLUSTER_DIR/ready" "$K8S_USERS_DIR"/*

# If anything below fails, or up.sh is interrupted, tear the half-made cluster down: a cluster that is
# running but not set up would otherwise be left behind with no watchdog.
step="kwokctl create cluster"
ready=0
teardown() {
  ((ready)) && return
  echo "up.sh: failed at: $step; stopping the half-started cluster" >&2
  echo "up.sh: component logs are in $KWOK_WORKDIR/clusters/$K8S_CLUSTER_NAME/logs/" >&2
  kwokctl delete cluster --kubeconfig "$K8S_KUBECONFIG" >/dev/null 2>&1 9>&- || true
  rm -f "$K8S_KUBECONFIG"
}
trap teardown EXIT
trap 'exit 130' INT TERM HUP

echo "up.sh: starting Kubernetes v$K8S_VERSION (etcd v$ETCD_VERSION, kwok v$KWOK_VERSION)" >&2
# RBAC and the default admission plugins on, as in a real cluster; the admin user is system:masters.
kwokctl create cluster --runtime binary --kube-authorization --kube-admission \
  --extra-args "kwok-controller=disregard-status-with-label-selector=$KWOK_STANDIN_SELECTOR" \
  --kubeconfig "$K8S_KUBECONFIG" --wait 120s --timeout 180s >&2 9>&-
kwok_marker >"$K8S_CLUSTER_DIR/kwok-options"

step="installing the CRDs (${K8S_CRD_FILES[*]##*/})"
install_crds
step="creating three kwok nodes"
kubectl apply --server-side --field-manager=slipway-k8s-up -f "$here/nodes.yaml" >/dev/null
kubectl wait --for=condition=Ready --timeout=120s node --all >/dev/null
step="creating the GatewayClass and Gateway"
kubectl apply --server-side --field-manager=slipway-k8s-up -f "$here/gateway.yaml" >/dev/null
# The default ServiceAccount is made by a controller; pods created before it exists are refused.
step="waiting for the default ServiceAccount"
for _ in $(seq 1 120); do
  kubectl get serviceaccount default -n default >/dev/null 2>&1 && break
  sleep 0.5
done
kubectl get serviceaccount default -n default >/dev/null
crds_marker >"$K8S_CLUSTER_DIR/ready"
ready=1

if [[ -n $user_pid ]]; then
  : >"$K8S_USERS_DIR/$user_pid"
  setsid nohup "$here/watchdog.sh" >>"$K8S_CLUSTER_DIR/watchdog.log" 2>&1 </dev/null 9>&- &
fi
echo "up.sh: cluster '$K8S_CLUSTER_NAME' ready in $(($(date +%s) - start))s" >&2
echo "$K8S_KUBECONFIG"
