variable "project" {
  description = "Short project name, the first part of every resource name (lowercase letters, digits, hyphens; 2-16 characters)."
  type        = string
  default     = "slipway"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.project))
    error_message = "project must be 2-16 characters of lowercase letters, digits and hyphens, starting with a letter (it prefixes IAM roles, clusters and registries); got \"${var.project}\"."
  }
}

variable "environment" {
  description = "Environment this root manages: development, staging or production."
  type        = string

  validation {
    condition     = contains(["development", "staging", "production"], var.environment)
    error_message = "environment must be one of development, staging, production; got \"${var.environment}\"."
  }
}

variable "cloud" {
  description = "Cloud the environment runs on: aws or gcp. Chooses how tags/labels are spelled."
  type        = string

  validation {
    condition     = contains(["aws", "gcp"], var.cloud)
    error_message = "cloud must be aws or gcp; got \"${var.cloud}\"."
  }
}

variable "region" {
  description = "Cloud region, e.g. eu-west-1 (AWS) or europe-west1 (GCP)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+(-[a-z]+)+-?[0-9]$", var.region))
    error_message = "region must look like eu-west-1 or europe-west1; got \"${var.region}\"."
  }
}

variable "network_cidr" {
  description = "IPv4 range of the environment's network, /16 to /20. Give each environment its own range so the networks can be peered later."
  type        = string

  validation {
    condition     = can(cidrhost(var.network_cidr, 0)) && can(tonumber(split("/", var.network_cidr)[1]))
    error_message = "network_cidr must be an IPv4 CIDR block such as 10.20.0.0/16; got \"${var.network_cidr}\"."
  }
  validation {
    condition     = !can(tonumber(split("/", var.network_cidr)[1])) || (tonumber(try(split("/", var.network_cidr)[1], 0)) >= 16 && tonumber(try(split("/", var.network_cidr)[1], 0)) <= 20)
    error_message = "network_cidr must be between /16 and /20 (subnets, pod and service ranges are carved out of it); got \"${var.network_cidr}\"."
  }
  validation {
    condition     = !can(cidrhost(var.network_cidr, 0)) || cidrhost(var.network_cidr, 0) == split("/", var.network_cidr)[0]
    error_message = "network_cidr must start at its network address (e.g. 10.20.0.0/16, not 10.20.1.0/16); got \"${var.network_cidr}\"."
  }
}

variable "zone_count" {
  description = "Number of availability zones the network spans (1-3). Production should use 3."
  type        = number
  default     = 3

  validation {
    condition     = contains([1, 2, 3], var.zone_count)
    error_message = "zone_count must be 1, 2 or 3; got ${var.zone_count}."
  }
}

variable "owner" {
  description = "Team or person accountable for the environment (a tag/label on every resource)."
  type        = string

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "owner must not be empty: name the team that answers for this environment's bill and pages."
  }
}

variable "repository" {
  description = "GitHub repository that deploys here, as owner/name. Used for tags and the CI trust policy."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be the GitHub owner/name, e.g. acme/slipway; got \"${var.repository}\"."
  }
}

variable "extra_tags" {
  description = "Additional tags/labels merged over the standard ones (the standard keys cannot be overridden)."
  type        = map(string)
  default     = {}
}
