#!/usr/bin/env bash
# Prints, as one JSON object, where the control plane lives and whether it is built, for the test
# helper (test/support/k8s/cluster.ts), so the pinned versions and paths are stated once, here.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
built=true
for n in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
  [[ -x "$K8S_BIN/$n" ]] || built=false
done
# The add-on CRD bundles are not part of "built": up.sh fetches them in seconds when they are missing.
[[ -s ${K8S_CRD_FILES[0]} ]] || built=false
printf '{"kubernetesVersion":"%s","etcdVersion":"%s","kwokVersion":"%s","gatewayApiVersion":"%s",' \
  "$K8S_VERSION" "$ETCD_VERSION" "$KWOK_VERSION" "$GATEWAY_API_VERSION"
crd_files="$(printf '"%s",' "${K8S_CRD_FILES[@]}")"
printf '"bin":"%s","kubeconfig":"%s","crdFiles":[%s],"built":%s}\n' "$K8S_BIN" "$K8S_KUBECONFIG" "${crd_files%,}" "$built"
