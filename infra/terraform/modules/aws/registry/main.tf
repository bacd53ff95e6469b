# ECR repository for the service's images: tags are immutable (a tag can never be moved to other
# bytes, so a digest promoted from staging is the one that was tested), every push is scanned,
# images are encrypted with a customer-managed KMS key, and a lifecycle policy bounds storage.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_kms_key" "registry" {
  description             = "ECR images of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.key_policy
  tags                    = var.tags
}

resource "aws_kms_alias" "registry" {
  name          = "alias/${var.name}-ecr"
  target_key_id = aws_kms_key.registry.key_id
}

# The key policy AWS itself writes by default: the account administers the key through IAM, and
# ECR uses it through grants on the account's behalf. Written as the policy document it is (in a
# key policy "*" means this key), not as an IAM identity policy.
locals {
  key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersTheKeyThroughIAM"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.registry.arn
  }

  # Production images are the release history: never delete the repository with them.
  force_delete = !var.deletion_protection

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Untagged images (superseded pushes) after ${var.untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the ${var.keep_tagged_images} most recent tagged images (rollback targets)"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.keep_tagged_images
        }
        action = { type = "expire" }
      },
    ]
  })
}
