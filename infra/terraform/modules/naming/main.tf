locals {
  # One name per environment: "slipway-production". Every resource name starts with it, so a
  # shared account still shows at a glance what belongs where.
  name = "${var.project}-${var.environment}"

  production = var.environment == "production"

  # ---------------------------------------------------------------------------------------------
  # CIDR planning. The network (/16../20, prefix p) is cut as follows:
  #   AWS: private subnets  = the first zone_count blocks of /(p+3)  (nodes and pods: VPC CNI)
  #        public subnets   = /(p+6) blocks inside the last /(p+3)     (load balancers, NAT)
  #   GCP: nodes            = block 0 of /(p+4)
  #        services         = block 1 of /(p+4)
  #        control plane    = the first /28 of block 2 of /(p+4)
  #        pods             = the upper half, /(p+1) (alias IPs)
  # Worked example for 10.20.0.0/16: AWS private 10.20.0.0/19, 10.20.32.0/19, 10.20.64.0/19;
  # public 10.20.224.0/22, 10.20.228.0/22, 10.20.232.0/22. GCP nodes 10.20.0.0/20, services
  # 10.20.16.0/20, control plane 10.20.32.0/28, pods 10.20.128.0/17.
  # ---------------------------------------------------------------------------------------------
  prefix = tonumber(split("/", var.network_cidr)[1])

  aws_private_subnets = [for i in range(var.zone_count) : cidrsubnet(var.network_cidr, 3, i)]
  aws_public_subnets  = [for i in range(var.zone_count) : cidrsubnet(cidrsubnet(var.network_cidr, 3, 7), 3, i)]

  gcp_nodes_range    = cidrsubnet(var.network_cidr, 4, 0)
  gcp_services_range = cidrsubnet(var.network_cidr, 4, 1)
  gcp_master_range   = cidrsubnet(cidrsubnet(var.network_cidr, 4, 2), 28 - (local.prefix + 4), 0)
  gcp_pods_range     = cidrsubnet(var.network_cidr, 1, 1)

  # ---------------------------------------------------------------------------------------------
  # Tags (AWS: any case) and labels (GCP: lowercase letters, digits, '_' and '-', at most 63
  # characters, keys start with a letter). The standard keys win over extra_tags.
  # ---------------------------------------------------------------------------------------------
  standard_tags = {
    Project     = var.project
    Environment = var.environment
    Owner       = var.owner
    Repository  = var.repository
    ManagedBy   = "terraform"
  }
  tags = merge(var.extra_tags, local.standard_tags)

  labels = {
    for key, value in local.tags :
    substr(replace(lower(key), "/[^a-z0-9_-]/", "_"), 0, 63) => substr(replace(lower(value), "/[^a-z0-9_-]/", "_"), 0, 63)
  }
}
