output "cluster_name" {
  description = "GKE cluster name."
  value       = module.gke.name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint (https URL)."
  value       = "https://${module.gke.endpoint}"
}

output "cluster_ca_certificate" {
  description = "Base64-encoded cluster CA certificate."
  value       = module.gke.ca_certificate
}

output "location" {
  description = "Cluster location (the region)."
  value       = module.gke.location
}

output "node_service_account" {
  description = "Service account the nodes run as."
  value       = module.gke.service_account
}
