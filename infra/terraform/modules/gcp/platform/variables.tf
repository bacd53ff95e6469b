# The same inputs as modules/aws/platform where the concept is the same (naming, deploy_namespaces,
# api_access, prometheus); cloud-specific ones are named for their cloud.

variable "naming" {
  description = "Outputs of modules/naming for this environment (pass the whole module: naming = module.naming)."
  type = object({
    name          = string
    environment   = string
    region        = string
    repository    = string
    production    = bool
    cluster_name  = string
    registry_name = string
    labels        = map(string)
    network = object({
      gcp_nodes_range    = string
      gcp_pods_range     = string
      gcp_services_range = string
      gcp_master_range   = string
    })
  })
}

variable "project" {
  description = "GCP project of the environment (one project per environment is recommended)."
  type        = string
}

variable "release_channel" {
  description = "GKE release channel (Autopilot: Google upgrades nodes and control plane within it)."
  type        = string
}

variable "api_access" {
  description = "Who reaches the Kubernetes API: public = false keeps it private to the network; otherwise only the listed CIDRs."
  type = object({
    public = bool
    cidrs  = optional(list(string), [])
  })
}

variable "deploy_namespaces" {
  description = "Namespaces Slipway deploys into."
  type        = list(string)
  default     = ["apps"]
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
