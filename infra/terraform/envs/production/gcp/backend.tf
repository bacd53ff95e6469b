# State of the production environment on GCP: its own bucket in its own project (GCS locks natively).
# The bucket is created once, before this root, with versioning and uniform access
# (docs/infrastructure.md, step 1).
terraform {
  backend "gcs" {
    bucket = "slipway-terraform-state-production" # EDIT: your state bucket
    prefix = "slipway/production/gcp"
  }
}
