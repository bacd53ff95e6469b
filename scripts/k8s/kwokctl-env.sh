# shellcheck shell=bash
# Points kwokctl at the binaries build.sh made, so that it never downloads anything, and keeps its
# state under the cache instead of ~/.kwok. Sourced after versions.sh.
export KWOK_WORKDIR="$K8S_CACHE_ROOT/kwok"
export KWOK_RUNTIME=binary
export KWOK_KUBE_VERSION="v$K8S_VERSION"
export KWOK_KUBE_BINARY_PREFIX="$K8S_BIN"
export KWOK_KUBECTL_BINARY="$K8S_BIN/kubectl"
export KWOK_KUBE_APISERVER_BINARY="$K8S_BIN/kube-apiserver"
export KWOK_KUBE_CONTROLLER_MANAGER_BINARY="$K8S_BIN/kube-controller-manager"
export KWOK_KUBE_SCHEDULER_BINARY="$K8S_BIN/kube-scheduler"
export KWOK_BINARY_PREFIX="$K8S_BIN"
export KWOK_CONTROLLER_BINARY="$K8S_BIN/kwok"
export KWOK_ETCD_VERSION="$ETCD_VERSION"
export KWOK_ETCD_BINARY="$K8S_BIN/etcd"
# kwokctl runs the first kubectl on PATH; an older one from the machine image must not win.
export PATH="$K8S_BIN:$PATH"

kwokctl() { "$K8S_BIN/kwokctl" --name "$K8S_CLUSTER_NAME" "$@"; }
kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$K8S_KUBECONFIG" "$@"; }
# Healthy: up.sh finished setting it up (ready marker) and the API server answers.
cluster_healthy() { [[ -s $K8S_KUBECONFIG && -e $K8S_CLUSTER_DIR/ready ]] && kubectl --request-timeout=5s get --raw /readyz >/dev/null 2>&1; }

# PIDs (with names) of running processes started from our binaries, as "pid name" lines.
control_plane_pids() {
  local exe target pid
  for exe in /proc/[0-9]*/exe; do
    target="$(readlink "$exe" 2>/dev/null)" || continue
    [[ $target == "$K8S_BIN"/* || $target == "$KWOK_WORKDIR"/* ]] || continue
    pid="${exe#/proc/}"
    echo "${pid%/exe} $(basename "$target")"
  done
}
