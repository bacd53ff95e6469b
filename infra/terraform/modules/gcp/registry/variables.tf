variable "project" {
  description = "GCP project of the environment."
  type        = string
}

variable "name" {
  description = "Prefix of the key ring (modules/naming name)."
  type        = string
}

variable "repository_id" {
  description = "Repository id (modules/naming registry_name)."
  type        = string
}

variable "region" {
  description = "Region of the repository; images are pulled from <region>-docker.pkg.dev."
  type        = string
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images are deleted."
  type        = number
  default     = 14
}

variable "keep_recent_images" {
  description = "Number of most recent image versions always kept (rollback targets)."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_recent_images >= 10
    error_message = "keep_recent_images must be at least 10, so recent releases stay available for rollback; got ${var.keep_recent_images}."
  }
}

variable "labels" {
  description = "Labels for every resource."
  type        = map(string)
}
