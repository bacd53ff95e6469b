# The AWS implementation of the platform contract: network → cluster → registry → CI identity →
# add-ons. The outputs (outputs.tf) are the contract; modules/gcp/platform has the same names,
# checked by test/infra/outputs.test.ts.

locals {
  deployer_group = "slipway-deployers"
}

module "network" {
  source = "../network"

  name                 = var.naming.name
  cidr                 = var.naming.network.cidr
  private_subnets      = var.naming.network.aws_private_subnets
  public_subnets       = var.naming.network.aws_public_subnets
  nat_gateway_per_zone = var.naming.production
  tags                 = var.naming.tags
}

module "registry" {
  source = "../registry"

  name                = var.naming.registry_name
  deletion_protection = var.naming.production
  tags                = var.naming.tags
}

module "ci_identity" {
  source = "../ci-identity"

  name_prefix          = var.naming.name
  repository           = var.naming.repository
  environment          = var.naming.environment
  create_oidc_provider = var.create_oidc_provider
  oidc_provider_arn    = var.oidc_provider_arn
  cluster_name         = var.naming.cluster_name
  registry_arn         = module.registry.repository_arn
  tags                 = var.naming.tags
}

module "cluster" {
  source = "../cluster"

  name                         = var.naming.cluster_name
  kubernetes_version           = var.kubernetes_version
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.private_subnet_ids
  endpoint_public_access       = var.api_access.public
  endpoint_public_access_cidrs = var.api_access.cidrs
  node_instance_types          = var.sizing.instance_types
  node_capacity_type           = var.sizing.spot ? "SPOT" : "ON_DEMAND"
  node_min_size                = var.sizing.min_nodes
  node_max_size                = var.sizing.max_nodes
  node_desired_size            = var.sizing.desired_nodes
  node_disk_size_gb            = var.sizing.disk_size_gb
  admin_role_arns              = var.admin_role_arns
  deployer_role_arns           = module.ci_identity.role_arns
  deployer_group               = local.deployer_group
  tags                         = var.naming.tags
}

module "addons" {
  source = "../../addons"

  cloud                  = "aws"
  region                 = var.naming.region
  install_metrics_server = true
  node_exporter_enabled  = true
  deploy_namespaces      = var.deploy_namespaces
  deployer_subjects      = [{ kind = "Group", name = local.deployer_group }]
  prometheus             = var.prometheus

  # The controller's AWS access comes from the Pod Identity association below.
  depends_on = [aws_eks_pod_identity_association.external_secrets]
}
