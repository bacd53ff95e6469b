# The GCP implementation of the platform contract: network → cluster → registry → CI identity →
# add-ons. The outputs (outputs.tf) are the contract; modules/aws/platform has the same names,
# checked by test/infra/outputs.test.ts.

module "network" {
  source = "../network"

  project        = var.project
  name           = var.naming.name
  region         = var.naming.region
  nodes_range    = var.naming.network.gcp_nodes_range
  pods_range     = var.naming.network.gcp_pods_range
  services_range = var.naming.network.gcp_services_range
}

module "cluster" {
  source = "../cluster"

  project             = var.project
  name                = var.naming.cluster_name
  region              = var.naming.region
  network_name        = module.network.network_name
  subnet_name         = module.network.subnet_name
  pods_range_name     = module.network.pods_range_name
  services_range_name = module.network.services_range_name
  master_range        = var.naming.network.gcp_master_range
  release_channel     = var.release_channel
  deletion_protection = var.naming.production
  public_endpoint     = var.api_access.public
  authorized_cidrs    = var.api_access.cidrs
  labels              = var.naming.labels
}

module "registry" {
  source = "../registry"

  project       = var.project
  name          = var.naming.name
  repository_id = var.naming.registry_name
  region        = var.naming.region
  labels        = var.naming.labels
}

module "ci_identity" {
  source = "../ci-identity"

  project                = var.project
  name_prefix            = var.naming.name
  region                 = var.naming.region
  repository             = var.naming.repository
  environment            = var.naming.environment
  registry_repository_id = var.naming.registry_name

  depends_on = [module.registry]
}

module "addons" {
  source = "../../addons"

  cloud       = "gcp"
  region      = var.naming.region
  gcp_project = var.project
  external_secrets_service_account_annotations = {
    "iam.gke.io/gcp-service-account" = google_service_account.external_secrets.email
  }
  install_metrics_server = false # GKE runs its own
  node_exporter_enabled  = false # Autopilot rejects privileged DaemonSets
  deploy_namespaces      = var.deploy_namespaces
  deployer_subjects      = [for email in values(module.ci_identity.service_account_emails) : { kind = "User", name = email }]
  prometheus             = var.prometheus

  depends_on = [module.cluster]
}
