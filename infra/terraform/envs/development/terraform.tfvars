# The development environment on AWS. (The same environment on GCP: ./gcp; run one or the other.)
# Minimal and cheap: two zones (EKS needs two), one shared NAT gateway, Spot nodes of several
# types (Spot capacity comes back sooner when more types qualify).
# Lines marked EDIT are yours to set before the first apply (docs/infrastructure.md).

environment        = "development"
aws_account_id     = "111111111111" # EDIT: this environment's account
region             = "eu-west-1"
network_cidr       = "10.10.0.0/16"
zone_count         = 2
owner              = "platform-team" # EDIT
repository         = "acme/slipway"  # EDIT: the GitHub repository that deploys here
kubernetes_version = "1.34"

sizing = {
  instance_types = ["t3a.large", "t3.large", "m6a.large"]
  spot           = true
  min_nodes      = 1
  max_nodes      = 3
  desired_nodes  = 2
  disk_size_gb   = 30
}

# GitHub-hosted runners need the public endpoint: list their egress ranges (or your VPN's), or set
# public = false and deploy from self-hosted runners inside the network.
api_access = {
  public = true
  cidrs  = ["203.0.113.0/24"] # EDIT: a documentation range as placeholder
}

admin_role_arns = ["arn:aws:iam::111111111111:role/slipway-terraform"] # EDIT: apply role, break-glass

# One per service: examples/hello/slipway.yaml deploys development to hello-development.
deploy_namespaces = ["hello-development"]

prometheus = {
  retention    = "3d"
  storage_size = "10Gi"
  replicas     = 1
}
