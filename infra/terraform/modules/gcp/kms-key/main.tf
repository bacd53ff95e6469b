# A customer-managed Cloud KMS key for one Google service (GKE Secrets, Artifact Registry images):
# its own key ring, rotation every 90 days, and encrypt/decrypt granted to that service's agent
# only (service-<project number>@<agent domain>).

data "google_project" "this" {
  project_id = var.project
}

resource "google_kms_key_ring" "this" {
  project  = var.project
  name     = var.key_ring
  location = var.region
}

resource "google_kms_crypto_key" "this" {
  name            = var.key
  key_ring        = google_kms_key_ring.this.id
  rotation_period = "7776000s" # 90 days
  labels          = var.labels

  # Destroying the key destroys everything encrypted with it (Secrets, images): Terraform must
  # never do that as a side effect. Retiring an environment removes it from state first.
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "agent" {
  crypto_key_id = google_kms_crypto_key.this.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-${data.google_project.this.number}@${var.service_agent_domain}"
}
