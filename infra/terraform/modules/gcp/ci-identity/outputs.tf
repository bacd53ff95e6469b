output "service_account_emails" {
  description = "Deploy service account by GitHub environment (GCP_DEPLOY_SERVICE_ACCOUNT of that environment)."
  value       = { (var.environment) = google_service_account.deploy.email }
}

output "workload_identity_provider" {
  description = "Provider resource name for google-github-actions/auth (workload_identity_provider)."
  value       = google_iam_workload_identity_pool_provider.github.name
}
