# tflint for scripts/ci/30-terraform.sh: only the Terraform language ruleset that is built into
# tflint (no plugin downloads), with every rule on. The cloud rulesets (aws, google) would need a
# plugin download; terraform validate in GitHub Actions covers the provider schemas instead.
config {
  call_module_type = "none"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
