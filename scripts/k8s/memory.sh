#!/usr/bin/env bash
# Prints the resident memory (RSS) of each running control-plane process and the total, to measure
# what the local cluster costs (numbers in docs/testing-kubernetes.md).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/kwokctl-env.sh"
total=0
printf '%-26s %8s %10s\n' process pid "RSS MiB"
while read -r pid name; do
  kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
  [[ -n $kb ]] || continue
  total=$((total + kb))
  printf '%-26s %8s %10.1f\n' "$name" "$pid" "$(awk -v k="$kb" 'BEGIN {print k / 1024}')"
done < <(control_plane_pids)
printf '%-26s %8s %10.1f\n' total "" "$(awk -v k="$total" 'BEGIN {print k / 1024}')"
