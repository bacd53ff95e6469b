# Shared by every AWS environment root (infra/terraform/envs/<environment>/ links to this file). The lock file
# (.terraform.lock.hcl) in each root pins the exact provider builds.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.38"
    }
  }
}
