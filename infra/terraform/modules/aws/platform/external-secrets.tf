# External Secrets Operator reads this environment's secrets, and only those: Secrets Manager
# entries under "<project>-<environment>/". EKS Pod Identity hands the role to the controller's
# service account; no keys are stored in the cluster.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_iam_policy_document" "external_secrets_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "external_secrets" {
  name               = "${var.naming.name}-external-secrets"
  assume_role_policy = data.aws_iam_policy_document.external_secrets_trust.json
  tags               = var.naming.tags
}

data "aws_iam_policy_document" "external_secrets" {
  statement {
    actions = [
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
      "secretsmanager:ListSecretVersionIds",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:secretsmanager:${var.naming.region}:${data.aws_caller_identity.current.account_id}:secret:${var.naming.name}/*"]
  }
}

resource "aws_iam_role_policy" "external_secrets" {
  name   = "read-environment-secrets"
  role   = aws_iam_role.external_secrets.id
  policy = data.aws_iam_policy_document.external_secrets.json
}

resource "aws_eks_pod_identity_association" "external_secrets" {
  cluster_name    = module.cluster.cluster_name
  namespace       = "external-secrets"
  service_account = "external-secrets"
  role_arn        = aws_iam_role.external_secrets.arn
  tags            = var.naming.tags
}
