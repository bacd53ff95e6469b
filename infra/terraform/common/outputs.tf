# Shared by every environment root, AWS and GCP (each links to this file): one output with the
# whole platform contract, the same shape on both clouds. `terraform output -json platform` feeds
# slipway.yaml and the GitHub environment variables (docs/infrastructure.md).
output "platform" {
  description = "The platform contract of this environment (modules/*/platform outputs)."
  value       = module.platform
}
