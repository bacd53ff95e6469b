# The development environment on GCP. (The same environment on AWS: the parent folder; run one or
# the other.)
# Autopilot bills per pod request, so an idle development cluster costs little more than the
# cluster fee; workloads may ask for Spot Pods (nodeSelector cloud.google.com/gke-spot: "true").
# Lines marked EDIT are yours to set before the first apply (docs/infrastructure.md).

environment     = "development"
gcp_project     = "acme-slipway-development" # EDIT: this environment's project
region          = "europe-west1"
network_cidr    = "10.10.0.0/16"
owner           = "platform-team" # EDIT
repository      = "acme/slipway"  # EDIT: the GitHub repository that deploys here
release_channel = "REGULAR"

# GitHub-hosted runners need the public endpoint: list their egress ranges (or your VPN's), or set
# public = false and deploy from self-hosted runners inside the network.
api_access = {
  public = true
  cidrs  = ["203.0.113.0/24"] # EDIT: a documentation range as placeholder
}

# One per service: examples/hello/slipway.yaml deploys development to hello-development.
deploy_namespaces = ["hello-development"]

prometheus = {
  retention    = "3d"
  storage_size = "10Gi"
  replicas     = 1
}
