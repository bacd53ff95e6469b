# VPC across the environment's zones: private subnets for nodes and pods (the VPC CNI gives pods
# VPC addresses, hence the large /19s), public subnets for load balancers and NAT gateways.
# Production gets one NAT gateway per zone, so losing a zone does not cut the others' egress;
# the other environments share one to save ~$65/month per gateway.

data "aws_region" "current" {}

# Zones by name (an allowlist): the set cannot silently change when AWS adds a zone, which would
# shift the subnet-to-zone mapping.
data "aws_availability_zones" "available" {
  state = "available"
  filter {
    name   = "zone-name"
    values = [for letter in var.zone_letters : "${data.aws_region.current.region}${letter}"]
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.1"

  name = var.name
  cidr = var.cidr
  azs  = slice(data.aws_availability_zones.available.names, 0, length(var.private_subnets))

  private_subnets = var.private_subnets
  public_subnets  = var.public_subnets

  enable_nat_gateway     = true
  single_nat_gateway     = !var.nat_gateway_per_zone
  one_nat_gateway_per_az = var.nat_gateway_per_zone

  enable_dns_hostnames = true
  enable_dns_support   = true

  # Nothing is launched with a public address, not even in the public subnets (NAT gateways and
  # load balancers get theirs from AWS).
  map_public_ip_on_launch = false

  # The default security group denies everything, so nothing attached to it by accident talks.
  manage_default_security_group  = true
  default_security_group_ingress = []
  default_security_group_egress  = []

  enable_flow_log                                 = true
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  flow_log_max_aggregation_interval               = 60
  flow_log_cloudwatch_log_group_retention_in_days = var.flow_log_retention_days
  flow_log_cloudwatch_log_group_kms_key_id        = var.flow_log_kms_key_arn

  # Subnet roles for the AWS load balancer controller / EKS service load balancers.
  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }

  tags = var.tags
}
