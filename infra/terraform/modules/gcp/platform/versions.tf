# helm and kubernetes reach modules/addons from the root (implicit inheritance); only the
# providers of this module's own resources are declared here.
terraform {
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 7.0, < 8.0"
    }
  }
}
