variable "name_prefix" {
  description = "Prefix of the role names (modules/naming name)."
  type        = string
}

variable "repository" {
  description = "GitHub repository trusted to assume the roles, as owner/name."
  type        = string
}

variable "environments" {
  description = "GitHub environments that get a deploy role each (usually just this root's environment)."
  type        = list(string)

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in var.environments : can(regex("^[A-Za-z0-9_.-]+$", e))])
    error_message = "environments must list at least one GitHub environment name (letters, digits, '.', '_', '-')."
  }
}

variable "create_oidc_provider" {
  description = "Create GitHub's OIDC provider in this account (false when another root already did)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "Existing GitHub OIDC provider ARN, used when create_oidc_provider is false."
  type        = string
  default     = null
}

variable "cluster_name" {
  description = "EKS cluster the deploy roles may describe."
  type        = string
}

variable "registry_arn" {
  description = "ECR repository the deploy roles may read."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}
