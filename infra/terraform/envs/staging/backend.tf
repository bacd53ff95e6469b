# State of the staging environment on AWS: its own bucket in its own account, locked with S3's
# native lock file (use_lockfile; no DynamoDB table). The bucket is created once, before this
# root, with versioning, encryption and public access blocked (docs/infrastructure.md, step 1).
terraform {
  backend "s3" {
    bucket       = "slipway-terraform-state-staging" # EDIT: your state bucket
    key          = "slipway/staging/aws.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
