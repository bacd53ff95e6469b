# GitHub Actions → GCP without keys: a Workload Identity Federation pool and GitHub OIDC
# provider that accept only tokens from this repository (attribute_condition), and one service
# account for the environment that only `repo:<owner>/<repo>:environment:<env>` may impersonate
# (each environment root creates its own: one service account per environment).
# Inside the cluster the service account is a User bound to the namespaced deployer role
# (modules/addons); in the project it may only find the cluster and read images.

resource "google_iam_workload_identity_pool" "github" {
  project                   = var.project
  workload_identity_pool_id = "${var.name_prefix}-github"
  display_name              = "GitHub Actions"
  description               = "GitHub Actions of ${var.repository}"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  project                            = var.project
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  display_name                       = "GitHub OIDC"

  attribute_mapping = {
    "google.subject"         = "assertion.sub"
    "attribute.repository"   = "assertion.repository"
    "attribute.environment"  = "assertion.environment"
    "attribute.workflow_ref" = "assertion.job_workflow_ref"
  }
  # Only this repository's jobs running in this GitHub environment get past the provider, before
  # any service-account binding is looked at (pull requests and other branches have other subjects).
  attribute_condition = "assertion.sub == \"${local.subject}\""

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

locals {
  subject = "repo:${var.repository}:environment:${var.environment}"
}

resource "google_service_account" "deploy" {
  project      = var.project
  account_id   = "deploy-${var.environment}"
  display_name = "GitHub deploys of ${var.repository} (${var.environment})"
}

resource "google_service_account_iam_member" "deploy_federation" {
  service_account_id = google_service_account.deploy.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principal://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/subject/${local.subject}"
}

# container.clusterViewer: get-credentials, nothing else; Kubernetes RBAC decides the rest.
resource "google_project_iam_member" "deploy_cluster_viewer" {
  project = var.project
  role    = "roles/container.clusterViewer"
  member  = "serviceAccount:${google_service_account.deploy.email}"
}

resource "google_artifact_registry_repository_iam_member" "deploy_reader" {
  project    = var.project
  location   = var.region
  repository = var.registry_repository_id
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.deploy.email}"
}
