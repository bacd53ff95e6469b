# Shared by every AWS environment root (infra/terraform/envs/<environment>/ links to this file);
# each root differs only by its backend.tf and terraform.tfvars. Module paths are relative to the
# root that runs, not to this folder.

module "naming" {
  source = "../../modules/naming"

  project      = "slipway"
  environment  = var.environment
  cloud        = "aws"
  region       = var.region
  network_cidr = var.network_cidr
  zone_count   = var.zone_count
  owner        = var.owner
  repository   = var.repository
}

module "platform" {
  source = "../../modules/aws/platform"

  naming               = module.naming
  kubernetes_version   = var.kubernetes_version
  sizing               = var.sizing
  api_access           = var.api_access
  admin_role_arns      = var.admin_role_arns
  create_oidc_provider = var.create_oidc_provider
  oidc_provider_arn    = var.oidc_provider_arn
  deploy_namespaces    = var.deploy_namespaces
  prometheus           = var.prometheus
}
