# Shared by every AWS environment root (infra/terraform/envs/<environment>/ links to this file);
# the values are in that root's terraform.tfvars.

variable "environment" {
  description = "development, staging or production."
  type        = string
}

variable "aws_account_id" {
  description = "The environment's AWS account: the provider refuses to touch any other (one account per environment is recommended)."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "network_cidr" {
  description = "VPC range (give every environment its own)."
  type        = string
}

variable "zone_count" {
  description = "Availability zones (EKS needs at least 2)."
  type        = number
}

variable "owner" {
  description = "Team accountable for the environment (tag)."
  type        = string
}

variable "repository" {
  description = "GitHub owner/name that deploys here (CI trust policy)."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version."
  type        = string
}

variable "sizing" {
  description = "Node group sizing (modules/aws/platform)."
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
  description = "Kubernetes API exposure (modules/aws/platform)."
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
  description = "Create GitHub's OIDC provider (false when another root in the same account already has)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "Existing GitHub OIDC provider when create_oidc_provider is false."
  type        = string
  default     = null
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
