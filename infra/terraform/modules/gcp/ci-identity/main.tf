# GitHub Actions → GCP without keys: a Workload Identity Federation pool and GitHub OIDC
# provider that accept only tokens from this repository (attribute_condition), and one service
# account per environment that only `repo:<owner>/<repo>:environment:<env>` may impersonate.
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
  # Tokens of any other repository are rejected before any binding is looked at.
  attribute_condition = "assertion.repository == \"${var.repository}\""

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deploy" {
  for_each = toset(var.environments)

  project      = var.project
  account_id   = "deploy-${each.key}"
  display_name = "GitHub deploys of ${var.repository} (${each.key})"
}

resource "google_service_account_iam_member" "deploy_federation" {
  for_each = google_service_account.deploy

  service_account_id = each.value.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principal://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/subject/repo:${var.repository}:environment:${each.key}"
}

# container.clusterViewer: get-credentials, nothing else; Kubernetes RBAC decides the rest.
resource "google_project_iam_member" "deploy_cluster_viewer" {
  for_each = google_service_account.deploy

  project = var.project
  role    = "roles/container.clusterViewer"
  member  = "serviceAccount:${each.value.email}"
}

resource "google_artifact_registry_repository_iam_member" "deploy_reader" {
  for_each = google_service_account.deploy

  project    = var.project
  location   = var.region
  repository = var.registry_repository_id
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${each.value.email}"
}
