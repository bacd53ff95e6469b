# The production environment on AWS. (The same environment on GCP: ./gcp; run one or the other.)
# Three zones with one NAT gateway each, on-demand nodes (at least one per zone), two Prometheus
# replicas; deletion protection comes with the environment name (modules/naming production).
# Lines marked EDIT are yours to set before the first apply (docs/infrastructure.md).

environment        = "production"
aws_account_id     = "333333333333" # EDIT: this environment's account
region             = "eu-west-1"
network_cidr       = "10.30.0.0/16"
zone_count         = 3
owner              = "platform-team" # EDIT
repository         = "acme/slipway"  # EDIT: the GitHub repository that deploys here
kubernetes_version = "1.34"

sizing = {
  instance_types = ["m6a.xlarge", "m6i.xlarge"]
  spot           = false
  min_nodes      = 3
  max_nodes      = 9
  desired_nodes  = 3
  disk_size_gb   = 100
}

# GitHub-hosted runners need the public endpoint: list their egress ranges (or your VPN's), or set
# public = false and deploy from self-hosted runners inside the network.
api_access = {
  public = true
  cidrs  = ["203.0.113.0/24"] # EDIT: a documentation range as placeholder
}

admin_role_arns = ["arn:aws:iam::333333333333:role/slipway-terraform"] # EDIT: apply role, break-glass

# One per service: examples/hello/slipway.yaml deploys production to hello-production.
deploy_namespaces = ["hello-production"]

prometheus = {
  retention    = "30d"
  storage_size = "100Gi"
  replicas     = 2
}
