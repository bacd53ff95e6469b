# GKE Autopilot through terraform-google-modules/kubernetes-engine: Google runs the nodes (no
# node pools to size or patch, billing per pod request), Workload Identity is always on, nodes
# are private, the cluster follows a release channel, and Kubernetes Secrets are encrypted at the
# application layer with a customer-managed Cloud KMS key.

module "secrets_key" {
  source = "../kms-key"

  project              = var.project
  region               = var.region
  key_ring             = "${var.name}-gke"
  key                  = "secrets"
  service_agent_domain = "container-engine-robot.iam.gserviceaccount.com"
  labels               = var.labels
}

module "gke" {
  source  = "terraform-google-modules/kubernetes-engine/google//modules/beta-autopilot-private-cluster"
  version = "43.0.0"

  project_id = var.project
  name       = var.name
  region     = var.region
  regional   = true

  network           = var.network_name
  subnetwork        = var.subnet_name
  ip_range_pods     = var.pods_range_name
  ip_range_services = var.services_range_name

  release_channel     = var.release_channel
  deletion_protection = var.deletion_protection

  # Private nodes always; the control plane is private too unless api_access opens it to the
  # listed networks.
  enable_private_nodes       = true
  enable_private_endpoint    = !var.public_endpoint
  master_ipv4_cidr_block     = var.master_range
  master_authorized_networks = [for cidr in var.authorized_cidrs : { cidr_block = cidr, display_name = "authorized ${cidr}" }]

  identity_namespace = "enabled" # Workload Identity: <project>.svc.id.goog

  database_encryption = [{
    state    = "ENCRYPTED"
    key_name = module.secrets_key.key_id
  }]

  # The cluster's nodes get their own least-privileged service account that may pull images.
  create_service_account = true
  grant_registry_access  = true

  security_posture_mode               = "BASIC"
  security_posture_vulnerability_mode = "VULNERABILITY_BASIC"
  enable_binary_authorization         = false
  cluster_resource_labels             = var.labels
}
