variable "name" {
  description = "Repository name (modules/naming registry_name)."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the repository while it holds images (production)."
  type        = bool
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 14
}

variable "keep_tagged_images" {
  description = "Number of most recent images kept; older ones expire. Slipway can only roll back to images that still exist."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_tagged_images >= 10
    error_message = "keep_tagged_images must be at least 10, so that recent releases stay available for rollback; got ${var.keep_tagged_images}."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}
