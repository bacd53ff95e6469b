output "network_name" {
  description = "VPC network name."
  value       = google_compute_network.this.name
}

output "network_id" {
  description = "VPC network ID."
  value       = google_compute_network.this.id
}

output "subnet_name" {
  description = "Node subnet name."
  value       = google_compute_subnetwork.nodes.name
}

output "pods_range_name" {
  description = "Name of the pods secondary range."
  value       = local.pods_range_name
}

output "services_range_name" {
  description = "Name of the services secondary range."
  value       = local.services_range_name
}
