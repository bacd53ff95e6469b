variable "project" {
  description = "GCP project of the environment."
  type        = string
}

variable "name" {
  description = "Cluster name (modules/naming cluster_name)."
  type        = string
}

variable "region" {
  description = "Region of the (regional) cluster."
  type        = string
}

variable "network_name" {
  description = "VPC network (modules/gcp/network)."
  type        = string
}

variable "subnet_name" {
  description = "Node subnet (modules/gcp/network)."
  type        = string
}

variable "pods_range_name" {
  description = "Secondary range for pods."
  type        = string
}

variable "services_range_name" {
  description = "Secondary range for services."
  type        = string
}

variable "master_range" {
  description = "/28 for the control plane's private endpoint (modules/naming network.gcp_master_range)."
  type        = string
}

variable "release_channel" {
  description = "GKE release channel: RAPID, REGULAR or STABLE."
  type        = string

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE; got \"${var.release_channel}\"."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster (production)."
  type        = bool
}

variable "public_endpoint" {
  description = "Expose the control plane's public endpoint to authorized_cidrs (false: private endpoint only)."
  type        = bool
}

variable "authorized_cidrs" {
  description = "Networks allowed to reach the control plane."
  type        = list(string)
  default     = []

  validation {
    condition     = !contains(var.authorized_cidrs, "0.0.0.0/0")
    error_message = "authorized_cidrs must not contain 0.0.0.0/0: list the runner/VPN ranges, or keep the endpoint private."
  }
}

variable "labels" {
  description = "Labels for every resource (modules/naming labels)."
  type        = map(string)
}
