# The production environment on GCP. (The same environment on AWS: the parent folder; run one or
# the other.)
# The STABLE channel, two Prometheus replicas; deletion protection comes with the environment
# name (modules/naming production).
# Lines marked EDIT are yours to set before the first apply (docs/infrastructure.md).

environment     = "production"
gcp_project     = "acme-slipway-production" # EDIT: this environment's project
region          = "europe-west1"
network_cidr    = "10.30.0.0/16"
owner           = "platform-team" # EDIT
repository      = "acme/slipway"  # EDIT: the GitHub repository that deploys here
release_channel = "STABLE"

# GitHub-hosted runners need the public endpoint: list their egress ranges (or your VPN's), or set
# public = false and deploy from self-hosted runners inside the network.
api_access = {
  public = true
  cidrs  = ["203.0.113.0/24"] # EDIT: a documentation range as placeholder
}

# One per service: examples/hello/slipway.yaml deploys production to hello-production.
deploy_namespaces = ["hello-production"]

prometheus = {
  retention    = "30d"
  storage_size = "100Gi"
  replicas     = 2
}
