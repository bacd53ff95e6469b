# Shared by every GCP environment root (infra/terraform/envs/<environment>/gcp/ links to this
# file); the root's main.tf (linked too) defines module.naming and module.platform.

provider "google" {
  project        = var.gcp_project
  region         = module.naming.region
  default_labels = module.naming.labels
}

provider "google-beta" {
  project        = var.gcp_project
  region         = module.naming.region
  default_labels = module.naming.labels
}

# The caller's own short-lived Google token; on the very first apply the cluster does not exist
# yet: apply -target=module.platform.module.cluster first (docs/infrastructure.md).
data "google_client_config" "current" {}

provider "kubernetes" {
  host                   = module.platform.cluster_endpoint
  cluster_ca_certificate = base64decode(module.platform.cluster_ca_certificate)
  token                  = data.google_client_config.current.access_token
}

provider "helm" {
  kubernetes = {
    host                   = module.platform.cluster_endpoint
    cluster_ca_certificate = base64decode(module.platform.cluster_ca_certificate)
    token                  = data.google_client_config.current.access_token
  }
}
