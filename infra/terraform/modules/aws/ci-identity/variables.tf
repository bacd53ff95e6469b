variable "name_prefix" {
  description = "Prefix of the role names (modules/naming name)."
  type        = string
}

variable "repository" {
  description = "GitHub repository trusted to assume the roles, as owner/name."
  type        = string
}

variable "environment" {
  description = "GitHub environment whose jobs may assume the deploy role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+$", var.environment))
    error_message = "environment must be a GitHub environment name (letters, digits, '.', '_', '-'); got \"${var.environment}\"."
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
