#!/usr/bin/env bash
# Terraform checks that need no cloud provider (issue 7): formatting, the provider-free tests of
# modules/naming, tflint's Terraform rules on every module and root, and checkov on infra/terraform
# with zero findings except the waivers in security/waivers.yaml. `init`/`validate`/`plan` against
# the real providers need downloads and run in GitHub Actions (.github/workflows/terraform.yml).
#
#   bash scripts/ci/30-terraform.sh              # every check
#   bash scripts/ci/30-terraform.sh fmt test     # some checks: fmt, test, tflint, checkov
#
# Tools, pinned, installed once into $SLIPWAY_CACHE (default ~/.cache/slipway), never into the
# repository:
#   terraform  the machine's when it is $TERRAFORM_VERSION (as in terraform.yml); otherwise built
#              from the Go module proxy's source of that release (build_terraform explains why
#              not plain `go install`)
#   tflint     go install github.com/terraform-linters/tflint@v$TFLINT_VERSION (its Terraform
#              ruleset is built in: no plugin download)
#   checkov    the supply-chain venv (scripts/ci/20-supply-chain.sh, same pinned version); when it
#              is missing, that script's installer creates it
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

TERRAFORM_VERSION=1.11.4
# The commit of the v1.11.4 tag, as the pseudo-version of Terraform's nested modules.
TERRAFORM_COMMIT=v0.0.0-20250409131005-35645b8fca68
TFLINT_VERSION=0.64.0

CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
TF_CACHE=$CACHE/terraform
TFLINT=$TF_CACHE/tflint-$TFLINT_VERSION/tflint
NODE=$ROOT/node_modules/.bin/node
TF_DIR=infra/terraform
ALL_CHECKS=(fmt test tflint checkov)

if (($# > 0)); then CHECKS=("$@"); else CHECKS=("${ALL_CHECKS[@]}"); fi
for check in "${CHECKS[@]}"; do
  [[ " ${ALL_CHECKS[*]} " == *" $check "* ]] || { echo "unknown check '$check'; choose from: ${ALL_CHECKS[*]}" >&2; exit 2; }
done
[[ -d $TF_DIR ]] || { echo "no $TF_DIR: nothing to check"; exit 0; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$TF_CACHE"
# No ~/.terraformrc needed; nothing is written next to the code (TF_DATA_DIR per run below).
: > "$WORK/terraformrc"
export TF_CLI_CONFIG_FILE=$WORK/terraformrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

# ---------------------------------------------------------------------------------------------
# Installation (idempotent; a lock keeps concurrent runs from building into the same place)
# ---------------------------------------------------------------------------------------------
go_install() { # <dir> <module@version>
  command -v go > /dev/null || { echo "building $2 needs Go (go install through the module proxy); no 'go' on PATH" >&2; return 1; }
  echo "building $2 from the Go module proxy into $1 (once; a few minutes)"
  GOBIN=$1 GOFLAGS=-mod=mod nice -n 10 go install "$2"
}

# `go install github.com/hashicorp/terraform@vX` is refused: Terraform's go.mod replaces its
# nested modules (state backends, legacy) with ./internal/... folders, which the module zip leaves
# out. So the build assembles the source from the proxy: the root module at the release tag, each
# nested module at the pseudo-version of the same commit (TERRAFORM_COMMIT), then `go build`.
build_terraform() { # <output binary>
  command -v go > /dev/null || { echo "building terraform needs Go (module proxy); no 'go' on PATH" >&2; return 1; }
  local src=$WORK/terraform-src root nested dir
  echo "building terraform $TERRAFORM_VERSION from the Go module proxy into $(dirname "$1") (once; several minutes)"
  root=$(GOFLAGS=-mod=mod go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d $root ]] || { echo "go mod download of terraform v$TERRAFORM_VERSION failed" >&2; return 1; }
  cp -r "$root" "$src"
  chmod -R u+w "$src"
  while read -r nested; do
    dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/hashicorp/terraform/$nested@$TERRAFORM_COMMIT" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -d $dir ]] || { echo "go mod download of github.com/hashicorp/terraform/$nested@$TERRAFORM_COMMIT failed" >&2; return 1; }
    mkdir -p "$src/$nested"
    cp -r "$dir"/. "$src/$nested"
    chmod -R u+w "$src/$nested"
  done < <(sed -n 's|^replace github.com/hashicorp/terraform/\([^ ]*\) => \./.*|\1|p' "$src/go.mod")
  # Go 1.26 no longer knows the `godebug tlskyber=0` line of Terraform 1.11's go.mod (it only
  # changed TLS key exchange defaults; fmt and test make no connections): drop it.
  (cd "$src" && go mod edit -dropgodebug=tlskyber)
  mkdir -p "$(dirname "$1")"
  # version.dev=no: a release build (Terraform's BUILDING.md), so it reports v1.11.4, not -dev.
  (cd "$src" && nice -n 10 go build -trimpath -ldflags "-s -w -X 'github.com/hashicorp/terraform/version.dev=no'" -o "$1" .)
}

find_terraform() {
  local version
  if command -v terraform > /dev/null; then
    version=$(terraform version 2> /dev/null || true)
    if [[ ${version%%$'\n'*} == "Terraform v$TERRAFORM_VERSION" ]]; then
      TERRAFORM=$(command -v terraform)
      return
    fi
  fi
  TERRAFORM=$TF_CACHE/terraform-$TERRAFORM_VERSION/terraform
  [[ -x $TERRAFORM ]] || build_terraform "$TERRAFORM"
}

# The supply-chain venv holding checkov <version>, if one is installed.
checkov_venv() {
  local dir
  for dir in "$CACHE"/supply-chain/venv-checkov"$1"-*; do
    [[ -f $dir/.installed && -x $dir/bin/checkov ]] && { echo "$dir"; return 0; }
  done
  return 1
}

find_checkov() {
  local version venv
  version=$(sed -n 's/^CHECKOV_VERSION=//p' scripts/ci/20-supply-chain.sh)
  [[ -n $version ]] || { echo "no CHECKOV_VERSION in scripts/ci/20-supply-chain.sh" >&2; return 1; }
  if ! venv=$(checkov_venv "$version"); then
    echo "no checkov $version venv yet: installing it with scripts/ci/20-supply-chain.sh's installer"
    # Only its installer is wanted here; its checks (not Terraform) run in their own CI step.
    bash scripts/ci/20-supply-chain.sh checkov > "$WORK/supply-chain.log" 2>&1 || true
    venv=$(checkov_venv "$version") || { echo "could not install checkov $version:" >&2; cat "$WORK/supply-chain.log" >&2; return 1; }
  fi
  CHECKOV=$venv/bin/checkov
}

needs() { [[ " ${CHECKS[*]} " == *" $1 "* ]]; }
exec 9> "$TF_CACHE/.install.lock"
flock 9
if needs fmt || needs test; then find_terraform; fi
if needs tflint && [[ ! -x $TFLINT ]]; then go_install "$(dirname "$TFLINT")" "github.com/terraform-linters/tflint@v$TFLINT_VERSION"; fi
flock -u 9
if needs checkov; then find_checkov; fi

# Every folder with .tf files: the modules and the environment roots (not common/, whose files
# are linked into the roots and only make sense there).
mapfile -t MODULE_DIRS < <(find "$TF_DIR" -name '*.tf' -not -path '*/.terraform/*' -not -path "$TF_DIR/common/*" -printf '%h\n' | sort -u)

# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------
FAILED=()
run() {
  local name=$1
  shift
  echo "--- terraform $name"
  if "$@"; then echo "--- terraform $name: ok"; else FAILED+=("$name"); echo "--- terraform $name: FAILED (see above)"; fi
}

check_fmt() {
  "$TERRAFORM" version | head -n 1
  "$TERRAFORM" fmt -check -recursive -diff "$TF_DIR"
}

# The provider-free module's own tests (tests/*.tftest.hcl): names, CIDR plan, tags and labels.
check_test() {
  local dir
  for dir in "${MODULE_DIRS[@]}"; do
    compgen -G "$dir/tests/*.tftest.hcl" > /dev/null || continue
    echo "terraform test in $dir"
    TF_DATA_DIR=$WORK/data/$(echo "$dir" | tr / _) "$TERRAFORM" -chdir="$dir" init -backend=false -input=false > "$WORK/init.log" 2>&1 ||
      { cat "$WORK/init.log"; return 1; }
    TF_DATA_DIR=$WORK/data/$(echo "$dir" | tr / _) "$TERRAFORM" -chdir="$dir" test -no-color || return 1
  done
}

check_tflint() {
  local dir status=0
  "$TFLINT" --version | head -n 1
  for dir in "${MODULE_DIRS[@]}"; do
    "$TFLINT" --chdir="$dir" --config="$ROOT/$TF_DIR/.tflint.hcl" --format=compact --no-color || { status=1; echo "  in $dir"; }
  done
  return $status
}

check_checkov() {
  local -a skip
  mapfile -t skip < <("$NODE" scripts/lint/waiver-args.ts security/waivers.yaml checkov args)
  "$NODE" scripts/lint/waiver-args.ts security/waivers.yaml checkov list
  echo "checkov $("$CHECKOV" --version)"
  # common/ holds files linked into the environment roots; they are scanned there.
  "$CHECKOV" --quiet --compact --skip-download --download-external-modules false \
    --framework terraform "${skip[@]}" --skip-path "$TF_DIR/common" --directory "$TF_DIR"
}

for check in "${CHECKS[@]}"; do run "$check" "check_$check"; done

if ((${#FAILED[@]})); then
  echo "terraform checks failed: ${FAILED[*]}. Fix them, or waive a checkov finding in security/waivers.yaml with a reason (docs/security.md)." >&2
  exit 1
fi
echo "terraform checks passed: ${CHECKS[*]}"
