# The staging environment on AWS. (The same environment on GCP: ./gcp; run one or the other.)
# Smaller than production but on-demand, so a rollout test is not disturbed by Spot reclaims;
# two zones, one shared NAT gateway.
# Lines marked EDIT are yours to set before the first apply (docs/infrastructure.md).

environment        = "staging"
aws_account_id     = "222222222222" # EDIT: this environment's account
region             = "eu-west-1"
network_cidr       = "10.20.0.0/16"
zone_count         = 2
owner              = "platform-team" # EDIT
repository         = "acme/slipway"  # EDIT: the GitHub repository that deploys here
kubernetes_version = "1.34"

sizing = {
  instance_types = ["m6a.large", "m6i.large"]
  spot           = false
  min_nodes      = 2
  max_nodes      = 4
  desired_nodes  = 2
  disk_size_gb   = 50
}

# GitHub-hosted runners need the public endpoint: list their egress ranges (or your VPN's), or set
# public = false and deploy from self-hosted runners inside the network.
api_access = {
  public = true
  cidrs  = ["203.0.113.0/24"] # EDIT: a documentation range as placeholder
}

admin_role_arns = ["arn:aws:iam::222222222222:role/slipway-terraform"] # EDIT: apply role, break-glass

# One per service: examples/hello/slipway.yaml deploys staging to hello-staging.
deploy_namespaces = ["hello-staging"]

prometheus = {
  retention    = "7d"
  storage_size = "20Gi"
  replicas     = 1
}
