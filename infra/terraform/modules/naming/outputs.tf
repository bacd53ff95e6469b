output "name" {
  description = "Base name of every resource in this environment: <project>-<environment>."
  value       = local.name
}

output "project" {
  description = "The project name."
  value       = var.project
}

output "environment" {
  description = "The environment name."
  value       = var.environment
}

output "cloud" {
  description = "The cloud this environment runs on."
  value       = var.cloud
}

output "region" {
  description = "The region this environment runs in."
  value       = var.region
}

output "repository" {
  description = "GitHub owner/name that deploys to this environment."
  value       = var.repository
}

output "production" {
  description = "True for production: deletion protection, one NAT per zone, larger sizing."
  value       = local.production
}

output "cluster_name" {
  description = "Kubernetes cluster name."
  value       = local.name
}

output "registry_name" {
  description = "Container registry repository name (ECR repository / Artifact Registry repository id)."
  value       = var.project
}

output "network" {
  description = "The CIDR plan: the network, per-zone AWS subnets and the GCP node/pod/service/control-plane ranges."
  value = {
    cidr                = var.network_cidr
    zone_count          = var.zone_count
    aws_private_subnets = local.aws_private_subnets
    aws_public_subnets  = local.aws_public_subnets
    gcp_nodes_range     = local.gcp_nodes_range
    gcp_pods_range      = local.gcp_pods_range
    gcp_services_range  = local.gcp_services_range
    gcp_master_range    = local.gcp_master_range
  }
}

output "tags" {
  description = "AWS tags for every resource (provider default_tags)."
  value       = local.tags
}

output "labels" {
  description = "GCP labels for every resource: the same tags, spelled as GCP allows."
  value       = local.labels
}
