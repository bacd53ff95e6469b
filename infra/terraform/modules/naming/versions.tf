# Provider-free on purpose: `terraform test` runs this module on machines that cannot download
# providers (scripts/ci/30-terraform.sh), so every name, CIDR and tag rule is checked in .ci/run.
terraform {
  required_version = ">= 1.9"
}
