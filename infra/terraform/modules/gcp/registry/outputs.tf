output "repository_url" {
  description = "Image repository URL: <region>-docker.pkg.dev/<project>/<repository>."
  value       = "${google_artifact_registry_repository.this.location}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.this.repository_id}"
}

output "repository_name" {
  description = "Full resource name of the repository (for IAM bindings)."
  value       = google_artifact_registry_repository.this.name
}
