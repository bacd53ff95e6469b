# Shared by every AWS environment root (infra/terraform/envs/<environment>/ links to this
# file); the root's main.tf (linked too) defines module.naming and module.platform.

provider "aws" {
  region = module.naming.region

  # A root can only ever touch its own account: a wrong profile fails before any change.
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = module.naming.tags
  }
}

# The add-ons talk to the cluster created in the same root, with a short-lived token from the
# caller's AWS identity. On the very first apply the cluster does not exist yet: apply
# -target=module.platform.module.cluster first (docs/infrastructure.md, bootstrap order).
provider "kubernetes" {
  host                   = module.platform.cluster_endpoint
  cluster_ca_certificate = base64decode(module.platform.cluster_ca_certificate)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.naming.cluster_name, "--region", module.naming.region]
  }
}

provider "helm" {
  kubernetes = {
    host                   = module.platform.cluster_endpoint
    cluster_ca_certificate = base64decode(module.platform.cluster_ca_certificate)

    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.naming.cluster_name, "--region", module.naming.region]
    }
  }
}
