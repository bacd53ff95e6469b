# helm and kubernetes reach modules/addons from the root (implicit inheritance); only the
# providers of this module's own resources are declared here.
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
