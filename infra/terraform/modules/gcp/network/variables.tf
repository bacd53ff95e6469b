variable "project" {
  description = "GCP project of the environment."
  type        = string
}

variable "name" {
  description = "Network name and prefix (modules/naming name)."
  type        = string
}

variable "region" {
  description = "Region of the subnet."
  type        = string
}

variable "nodes_range" {
  description = "Primary range of the node subnet (modules/naming network.gcp_nodes_range)."
  type        = string
}

variable "pods_range" {
  description = "Secondary range for pods (modules/naming network.gcp_pods_range)."
  type        = string
}

variable "services_range" {
  description = "Secondary range for services (modules/naming network.gcp_services_range)."
  type        = string
}
