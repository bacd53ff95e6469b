# Shared by every GCP environment root (infra/terraform/envs/<environment>/gcp/ links to this
# file); the values are in that root's terraform.tfvars.

variable "environment" {
  description = "development, staging or production."
  type        = string
}

variable "gcp_project" {
  description = "The environment's project (one project per environment is recommended)."
  type        = string
}

variable "region" {
  description = "GCP region (the cluster is regional: three zones)."
  type        = string
}

variable "network_cidr" {
  description = "VPC range (give every environment its own)."
  type        = string
}

variable "owner" {
  description = "Team accountable for the environment (label)."
  type        = string
}

variable "repository" {
  description = "GitHub owner/name that deploys here (Workload Identity Federation condition)."
  type        = string
}

variable "release_channel" {
  description = "GKE release channel."
  type        = string
}

variable "api_access" {
  description = "Kubernetes API exposure (modules/gcp/platform)."
  type = object({
    public = bool
    cidrs  = optional(list(string), [])
  })
}

variable "deploy_namespaces" {
  description = "Namespaces Slipway deploys into (slipway.yaml kubernetes.namespace of each service)."
  type        = list(string)
}

variable "prometheus" {
  description = "Prometheus sizing (modules/addons)."
  type = object({
    retention    = optional(string, "15d")
    storage_size = optional(string, "50Gi")
    replicas     = optional(number, 1)
  })
  default = {}
}
