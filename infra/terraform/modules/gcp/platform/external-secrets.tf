# External Secrets Operator reads Secret Manager through Workload Identity: its Kubernetes
# service account (external-secrets/external-secrets) impersonates this Google service account,
# which may read only secrets labelled for this environment (IAM condition on the label).

resource "google_service_account" "external_secrets" {
  project      = var.project
  account_id   = "external-secrets"
  display_name = "External Secrets Operator (${var.naming.cluster_name})"
}

resource "google_project_iam_member" "external_secrets" {
  project = var.project
  role    = "roles/secretmanager.secretAccessor"
  member  = "serviceAccount:${google_service_account.external_secrets.email}"

  condition {
    title       = "environment-secrets-only"
    description = "Secrets named ${var.naming.name}-*"
    expression  = "resource.name.extract(\"secrets/{name}/\").startsWith(\"${var.naming.name}-\")"
  }
}

resource "google_service_account_iam_member" "external_secrets_workload_identity" {
  service_account_id = google_service_account.external_secrets.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project}.svc.id.goog[external-secrets/external-secrets]"

  depends_on = [module.cluster] # the identity namespace exists once the cluster does
}
