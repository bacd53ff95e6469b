#!/usr/bin/env bash
# Builds the local control plane into ~/.cache/slipway/k8s/v<version>/ when (and only when) a piece is
# missing or was built at another version: kube-apiserver, kube-controller-manager, kube-scheduler and
# kubectl from k8s.io/kubernetes; etcd from go.etcd.io/etcd/server/v3; kwok and kwokctl; the Gateway
# API standard-channel CRDs; and the upstream ExternalSecret and PodMonitor CRDs (addon-crds). Go's
# module and build caches stay in their default places so a reused machine skips the work. Prints
# how long each piece took.
#   build.sh [gateway-api|addon-crds|etcd|kwok|kubernetes]...   (default: all of them)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"

command -v go >/dev/null || { echo "build.sh: 'go' is not on PATH; install Go >= 1.26 first" >&2; exit 1; }
# Two cores are shared with other work: build at the lowest priority, two packages at a time.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-p=2"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
nice_go() { nice -n 19 go "$@"; }

mkdir -p "$K8S_BIN" "$K8S_HOME/src"
stamp_ok() { [[ -x "$K8S_BIN/$1" && "$(cat "$K8S_BIN/$1.version" 2>/dev/null)" == "$2" ]]; }
stamp() { echo "$2" >"$K8S_BIN/$1.version"; }
took() { echo "build.sh: $1 built in $(($(date +%s) - $2))s"; }

build_kubernetes() {
  local names=(kube-apiserver kube-controller-manager kube-scheduler kubectl) missing=0 n
  for n in "${names[@]}"; do stamp_ok "$n" "v$K8S_VERSION" || missing=1; done
  ((missing)) || return 0
  local start; start=$(date +%s)
  local dir="$K8S_HOME/src/kubernetes" minor patch
  IFS=. read -r _ minor patch <<<"$K8S_VERSION"
  mkdir -p "$dir"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local folders,
  # which only works inside its own repository. Each staging module is also published on its own at
  # v0.<minor>.<patch>; a wrapper module that requires k8s.io/kubernetes and replaces every staging
  # module with that tag builds the commands straight from the module proxy.
  local gomod; gomod="$(nice_go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
  [[ -f $gomod ]] || { echo "build.sh: could not download k8s.io/kubernetes@v$K8S_VERSION" >&2; exit 1; }
  {
    echo "module slipway.local/k8sbuild"
    echo
    grep -E '^go [0-9]' "$gomod"
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo
    grep -E '=> \./staging/src/' "$gomod" | awk -v v="v0.$minor.$patch" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
  local pkgs=()
  for n in "${names[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$n"); done
  # The explicit @version matters: `go get <package>` alone upgrades k8s.io/kubernetes to its latest.
  (cd "$dir" && nice_go get "${pkgs[@]/%/@v$K8S_VERSION}")
  local pkg="k8s.io/component-base/version"
  local ldflags="-s -w -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  (cd "$dir" && nice_go build -trimpath -ldflags "$ldflags" -o "$K8S_BIN/" "${pkgs[@]}")
  for n in "${names[@]}"; do stamp "$n" "v$K8S_VERSION"; done
  took "kubernetes v$K8S_VERSION" "$start"
}

build_etcd() {
  stamp_ok etcd "v$ETCD_VERSION" && return 0
  local start; start=$(date +%s)
  local dir="$K8S_HOME/src/etcd"
  mkdir -p "$dir"
  # go.etcd.io/etcd/server/v3 carries local replace directives, so `go install` refuses it; a main
  # module of our own that calls etcdmain.Main builds the same server.
  cat >"$dir/main.go" <<'GO'
// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3 through a wrapper module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  printf 'module slipway.local/etcdbuild\n\ngo 1.26.0\n' >"$dir/go.mod"
  (cd "$dir" && nice_go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" && nice_go mod tidy)
  (cd "$dir" && nice_go build -trimpath -ldflags "-s -w" -o "$K8S_BIN/etcd" .)
  stamp etcd "v$ETCD_VERSION"
  took "etcd v$ETCD_VERSION" "$start"
}

build_kwok() {
  stamp_ok kwok "v$KWOK_VERSION" && stamp_ok kwokctl "v$KWOK_VERSION" && return 0
  local start; start=$(date +%s)
  GOBIN="$K8S_BIN" nice_go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@v$KWOK_VERSION"
  stamp kwok "v$KWOK_VERSION"
  stamp kwokctl "v$KWOK_VERSION"
  took "kwok v$KWOK_VERSION" "$start"
}

# Writes the upstream CRD files $4... of Go module $1@v$2 (paths inside the module) into one bundle $3,
# each document after a `---`. Idempotent: an existing bundle (named by version) is kept.
module_crds() {
  local module=$1 version=$2 out=$3
  shift 3
  [[ -s $out ]] && return 0
  local dir; dir="$(go mod download -json "$module@v$version" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
  [[ -d $dir ]] || { echo "build.sh: could not download $module@v$version" >&2; exit 1; }
  local f tmp="$out.tmp"
  : >"$tmp"
  for f in "$@"; do
    [[ -f $dir/$f ]] || { echo "build.sh: $f is missing from $module@v$version" >&2; rm -f "$tmp"; exit 1; }
    printf -- '---\n' >>"$tmp"
    cat "$dir/$f" >>"$tmp"
  done
  mv "$tmp" "$out"
}

gateway_crds() {
  [[ -s ${K8S_CRD_FILES[0]} ]] && return 0
  local dir; dir="$(go mod download -json "sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
  local src="config/crd/standard" files=() f
  [[ -d $dir/$src ]] || { echo "build.sh: $src is missing from sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION" >&2; exit 1; }
  for f in "$dir/$src"/*.yaml; do
    [[ $(basename "$f") == kustomization.yaml ]] || files+=("$src/$(basename "$f")")
  done
  module_crds sigs.k8s.io/gateway-api "$GATEWAY_API_VERSION" "${K8S_CRD_FILES[0]}" "${files[@]}"
}

# The add-ons' CRDs for the kinds Slipway renders, as upstream ships them. Only ExternalSecret from
# external-secrets: its (Cluster)SecretStore CRDs are 600 KB each and no controller here reads them.
addon_crds() {
  module_crds github.com/external-secrets/external-secrets "$EXTERNAL_SECRETS_VERSION" "${K8S_CRD_FILES[1]}" \
    config/crds/bases/external-secrets.io_externalsecrets.yaml
  module_crds github.com/prometheus-operator/prometheus-operator "$PROMETHEUS_OPERATOR_VERSION" "${K8S_CRD_FILES[2]}" \
    example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml
}

# Pieces to check, all by default: gateway-api, addon-crds, etcd, kwok, kubernetes, dataplane (Envoy
# and Contour, which only the tests that route traffic start: dataplane.sh).
pieces=("$@")
((${#pieces[@]})) || pieces=(gateway-api addon-crds etcd kwok kubernetes dataplane)
total=$(date +%s)
for piece in "${pieces[@]}"; do
  case $piece in
    gateway-api) gateway_crds ;;
    addon-crds) addon_crds ;;
    etcd) build_etcd ;;
    kwok) build_kwok ;;
    kubernetes) build_kubernetes ;;
    dataplane) "$here/dataplane.sh" build ;;
    *) echo "build.sh: unknown piece '$piece' (expected gateway-api, addon-crds, etcd, kwok, kubernetes or dataplane)" >&2; exit 2 ;;
  esac
done
echo "build.sh: control plane ready in $K8S_HOME ($(($(date +%s) - total))s)"
