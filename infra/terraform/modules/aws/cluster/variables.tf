variable "name" {
  description = "Cluster name (modules/naming cluster_name)."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version, e.g. 1.34. Upgrade one minor version at a time."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster (modules/aws/network)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control-plane ENIs and the nodes."
  type        = list(string)
}

variable "endpoint_public_access" {
  description = "Expose the API endpoint publicly (restricted by endpoint_public_access_cidrs). false: private only, reachable from the VPC (self-hosted runners, VPN)."
  type        = bool
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public endpoint when it is enabled."
  type        = list(string)
  default     = []

  validation {
    condition     = !contains(var.endpoint_public_access_cidrs, "0.0.0.0/0")
    error_message = "endpoint_public_access_cidrs must not contain 0.0.0.0/0: list the runner/VPN ranges, or set endpoint_public_access = false."
  }
}

variable "node_instance_types" {
  description = "Instance types of the managed node group (several types help Spot capacity)."
  type        = list(string)
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT; got \"${var.node_capacity_type}\"."
  }
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
}

variable "node_desired_size" {
  description = "Initial number of nodes (ignored after creation; the autoscaler owns it)."
  type        = number
}

variable "node_disk_size_gb" {
  description = "Root volume size of each node."
  type        = number
  default     = 50
}

variable "log_retention_days" {
  description = "Retention of the control-plane logs."
  type        = number
  default     = 365
}

variable "admin_role_arns" {
  description = "IAM roles that get cluster-admin through access entries (the Terraform apply role, break-glass)."
  type        = list(string)
}

variable "deployer_role_arns" {
  description = "CI deploy role per environment (modules/aws/ci-identity role_arns); each gets the deployer group."
  type        = map(string)
}

variable "deployer_group" {
  description = "Kubernetes group the deploy roles are mapped to; modules/addons binds it to the deployer role."
  type        = string
  default     = "slipway-deployers"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}
