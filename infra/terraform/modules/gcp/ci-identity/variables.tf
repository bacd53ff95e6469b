variable "project" {
  description = "GCP project of the environment."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the pool and service accounts (modules/naming name)."
  type        = string
}

variable "region" {
  description = "Region of the Artifact Registry repository."
  type        = string
}

variable "repository" {
  description = "GitHub repository trusted by the pool, as owner/name."
  type        = string
}

variable "environments" {
  description = "GitHub environments that get a deploy service account each."
  type        = list(string)

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in var.environments : can(regex("^[a-z][a-z0-9-]{0,21}[a-z0-9]$", e))])
    error_message = "environments must list at least one GitHub environment name (2-23 lowercase letters, digits, '-': the service account id is deploy-<environment>)."
  }
}

variable "registry_repository_id" {
  description = "Artifact Registry repository the deploy accounts may read."
  type        = string
}
