# The same inputs as modules/gcp/platform where the concept is the same (naming, sizing,
# deploy_namespaces, api_access); cloud-specific ones are named for their cloud.

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
    tags          = map(string)
    network = object({
      cidr                = string
      aws_private_subnets = list(string)
      aws_public_subnets  = list(string)
    })
  })
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster."
  type        = string
}

variable "sizing" {
  description = "Node capacity of the environment."
  type = object({
    instance_types = list(string)
    spot           = bool
    min_nodes      = number
    max_nodes      = number
    desired_nodes  = number
    disk_size_gb   = optional(number, 50)
  })
}

variable "api_access" {
  description = "Who reaches the Kubernetes API: public = false keeps it private to the network; otherwise only the listed CIDRs."
  type = object({
    public = bool
    cidrs  = optional(list(string), [])
  })
}

variable "admin_role_arns" {
  description = "IAM roles with cluster-admin (the Terraform apply role, break-glass)."
  type        = list(string)
}

variable "create_oidc_provider" {
  description = "Create GitHub's OIDC provider (false when another environment in the same account already has)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "Existing GitHub OIDC provider when create_oidc_provider is false."
  type        = string
  default     = null
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
