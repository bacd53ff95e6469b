# Shared by every GCP environment root (infra/terraform/envs/<environment>/gcp/ links to this
# file); each root differs only by its backend.tf and terraform.tfvars. Module paths are relative
# to the root that runs, not to this folder.

module "naming" {
  source = "../../../modules/naming"

  project      = "slipway"
  environment  = var.environment
  cloud        = "gcp"
  region       = var.region
  network_cidr = var.network_cidr
  zone_count   = 3
  owner        = var.owner
  repository   = var.repository
}

module "platform" {
  source = "../../../modules/gcp/platform"

  naming            = module.naming
  project           = var.gcp_project
  release_channel   = var.release_channel
  api_access        = var.api_access
  deploy_namespaces = var.deploy_namespaces
  prometheus        = var.prometheus
}
