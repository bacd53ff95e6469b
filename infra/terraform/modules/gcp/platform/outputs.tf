# The platform contract: modules/aws/platform/outputs.tf declares exactly these names
# (test/infra/outputs.test.ts fails on any difference). Slipway's config and the deploy
# workflow read this shape, whatever the cloud.

output "cloud" {
  description = "Cloud of this environment: gcp."
  value       = "gcp"
}

output "region" {
  description = "Region of the environment."
  value       = var.naming.region
}

output "cluster_name" {
  description = "Kubernetes cluster name (for gcloud container clusters get-credentials)."
  value       = module.cluster.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint (https URL)."
  value       = module.cluster.cluster_endpoint
}

output "cluster_ca_certificate" {
  description = "Base64-encoded PEM CA certificate of the Kubernetes API."
  value       = module.cluster.cluster_ca_certificate
}

output "kubeconfig_command" {
  description = "Command that writes a kubeconfig entry for this cluster."
  value       = "gcloud container clusters get-credentials ${module.cluster.cluster_name} --region ${var.naming.region} --project ${var.project}"
}

output "registry_url" {
  description = "Image repository URL for slipway.yaml's image repository."
  value       = module.registry.repository_url
}

output "ci_deploy_identity" {
  description = "Identity the deploy workflow assumes, per GitHub environment: the service account e-mail (google-github-actions/auth service_account)."
  value       = module.ci_identity.service_account_emails
}

output "ci_identity_provider" {
  description = "Federation the deploy identity trusts: the Workload Identity provider (google-github-actions/auth workload_identity_provider)."
  value       = module.ci_identity.workload_identity_provider
}

output "gateway_name" {
  description = "Shared Gateway that Slipway's HTTPRoutes attach to."
  value       = module.addons.gateway_name
}

output "gateway_namespace" {
  description = "Namespace of the shared Gateway."
  value       = module.addons.gateway_namespace
}

output "prometheus_url" {
  description = "In-cluster Prometheus URL for analysis."
  value       = module.addons.prometheus_url
}

output "secret_store_name" {
  description = "ClusterSecretStore for ExternalSecrets."
  value       = module.addons.secret_store_name
}

output "deploy_namespaces" {
  description = "Namespaces Slipway may deploy into."
  value       = module.addons.deploy_namespaces
}
