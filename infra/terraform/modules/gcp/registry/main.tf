# Artifact Registry Docker repository: immutable tags (a promoted digest keeps meaning the bytes
# that were tested), cleanup policies that bound storage but keep rollback targets, and images
# encrypted with a customer-managed Cloud KMS key.

module "key" {
  source = "../kms-key"

  project              = var.project
  region               = var.region
  key_ring             = "${var.name}-registry"
  key                  = "images"
  service_agent_domain = "gcp-sa-artifactregistry.iam.gserviceaccount.com"
  labels               = var.labels
}

resource "google_artifact_registry_repository" "this" {
  project       = var.project
  location      = var.region
  repository_id = var.repository_id
  description   = "Container images of ${var.repository_id}"
  format        = "DOCKER"
  kms_key_name  = module.key.key_id
  labels        = var.labels

  docker_config {
    immutable_tags = true
  }

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "${var.untagged_expiry_days * 86400}s"
    }
  }

  # KEEP wins over DELETE: the most recent images stay available as rollback targets.
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_recent_images
    }
  }
}
