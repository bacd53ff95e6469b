# EKS through terraform-aws-modules/eks v21: managed node groups on AL2023, secrets encrypted
# with a customer-managed KMS key (rotated yearly), control-plane logs, access entries (no
# aws-auth ConfigMap), IMDSv2 with a hop limit of 1 so pods cannot borrow the node's role.

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.26.0"

  name               = var.name
  kubernetes_version = var.kubernetes_version

  # At the end of standard support the cluster is upgraded instead of being billed extended
  # support (6x the control-plane price).
  upgrade_policy = {
    support_type = "STANDARD"
  }

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  endpoint_private_access      = true
  endpoint_public_access       = var.endpoint_public_access
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs

  # Access entries only: who may talk to the API is IAM plus the entries below.
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = false
  access_entries                           = local.access_entries

  # Secrets envelope-encrypted with the module's customer-managed key.
  create_kms_key                  = true
  enable_kms_key_rotation         = true
  kms_key_deletion_window_in_days = 30
  encryption_config = {
    resources = ["secrets"]
  }

  enabled_log_types                      = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = var.log_retention_days

  addons = {
    vpc-cni = {
      before_compute = true
    }
    kube-proxy = {
      before_compute = true
    }
    eks-pod-identity-agent = {
      before_compute = true
    }
    coredns = {}
  }

  eks_managed_node_groups = {
    default = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.node_instance_types
      capacity_type  = var.node_capacity_type

      min_size     = var.node_min_size
      max_size     = var.node_max_size
      desired_size = var.node_desired_size

      subnet_ids = var.subnet_ids

      # IMDSv2 only, one hop: containers (one hop further than the node) cannot reach the
      # instance metadata service and its credentials. Pods get AWS access through Pod Identity.
      metadata_options = {
        http_endpoint               = "enabled"
        http_tokens                 = "required"
        http_put_response_hop_limit = 1
      }

      block_device_mappings = {
        root = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size           = var.node_disk_size_gb
            volume_type           = "gp3"
            encrypted             = true
            delete_on_termination = true
          }
        }
      }
    }
  }

  tags = var.tags
}

locals {
  # Administrators get cluster-admin; CI deploy roles get only a Kubernetes group, bound by the
  # add-ons module to a namespaced role (modules/addons: slipway-deployer).
  admin_entries = {
    for index, arn in var.admin_role_arns : "admin-${index}" => {
      principal_arn = arn
      policy_associations = {
        admin = {
          policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }
  deployer_entries = {
    for environment, arn in var.deployer_role_arns : "deployer-${environment}" => {
      principal_arn     = arn
      kubernetes_groups = [var.deployer_group]
    }
  }
  access_entries = merge(local.admin_entries, local.deployer_entries)
}
