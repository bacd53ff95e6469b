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

variable "environment" {
  description = "GitHub environment whose jobs may impersonate the deploy service account."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,21}[a-z0-9]$", var.environment))
    error_message = "environment must be 2-23 lowercase letters, digits or '-' (the service account id is deploy-<environment>); got \"${var.environment}\"."
  }
}

variable "registry_repository_id" {
  description = "Artifact Registry repository the deploy accounts may read."
  type        = string
}
