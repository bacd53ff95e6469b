# The platform contract: modules/gcp/platform/outputs.tf declares exactly these names
# (test/infra/outputs.test.ts fails on any difference). Slipway's config and the deploy
# workflow read this shape, whatever the cloud.

output "cloud" {
  description = "Cloud of this environment: aws."
  value       = "aws"
}

output "region" {
  description = "Region of the environment."
  value       = var.naming.region
}

output "cluster_name" {
  description = "Kubernetes cluster name (EKS_CLUSTER_NAME in the deploy workflow)."
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
  value       = "aws eks update-kubeconfig --region ${var.naming.region} --name ${module.cluster.cluster_name}"
}

output "registry_url" {
  description = "Image repository URL for slipway.yaml's image repository."
  value       = module.registry.repository_url
}

output "ci_deploy_identity" {
  description = "Identity the deploy workflow assumes, per GitHub environment: the IAM role ARN (AWS_DEPLOY_ROLE_ARN)."
  value       = module.ci_identity.role_arns
}

output "ci_identity_provider" {
  description = "Federation the deploy identity trusts: the GitHub OIDC provider ARN."
  value       = module.ci_identity.oidc_provider_arn
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
