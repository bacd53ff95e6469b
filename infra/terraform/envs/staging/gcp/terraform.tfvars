# The staging environment on GCP. (The same environment on AWS: the parent folder; run one or
# the other.)
# The REGULAR channel like development; Autopilot sizes capacity from the pods.
# Lines marked EDIT are yours to set before the first apply (docs/infrastructure.md).

environment     = "staging"
gcp_project     = "acme-slipway-staging" # EDIT: this environment's project
region          = "europe-west1"
network_cidr    = "10.20.0.0/16"
owner           = "platform-team" # EDIT
repository      = "acme/slipway"  # EDIT: the GitHub repository that deploys here
release_channel = "REGULAR"

# GitHub-hosted runners need the public endpoint: list their egress ranges (or your VPN's), or set
# public = false and deploy from self-hosted runners inside the network.
api_access = {
  public = true
  cidrs  = ["203.0.113.0/24"] # EDIT: a documentation range as placeholder
}

# One per service: examples/hello/slipway.yaml deploys staging to hello-staging.
deploy_namespaces = ["hello-staging"]

prometheus = {
  retention    = "7d"
  storage_size = "20Gi"
  replicas     = 1
}
