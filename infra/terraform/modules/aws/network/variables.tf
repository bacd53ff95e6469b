variable "name" {
  description = "Name of the VPC and prefix of its resources (from modules/naming)."
  type        = string
}

variable "cidr" {
  description = "VPC CIDR block."
  type        = string
}

variable "private_subnets" {
  description = "One private subnet CIDR per availability zone (modules/naming network.aws_private_subnets)."
  type        = list(string)
}

variable "public_subnets" {
  description = "One public subnet CIDR per availability zone (modules/naming network.aws_public_subnets)."
  type        = list(string)
}

variable "nat_gateway_per_zone" {
  description = "One NAT gateway per zone (production) instead of a single shared one."
  type        = bool
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow logs in CloudWatch."
  type        = number
  default     = 365
}

variable "flow_log_kms_key_arn" {
  description = "KMS key that encrypts the flow log group (null: CloudWatch's own encryption)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource (modules/naming tags)."
  type        = map(string)
}

variable "zone_letters" {
  description = "Availability zones to use, by letter, in order (at least one per private subnet). Not every account has every letter in every region."
  type        = list(string)
  default     = ["a", "b", "c"]
}
