output "role_arns" {
  description = "Deploy role ARN by GitHub environment (AWS_DEPLOY_ROLE_ARN of that environment)."
  value       = { (var.environment) = aws_iam_role.deploy.arn }
}

output "oidc_provider_arn" {
  description = "ARN of GitHub's OIDC provider in this account."
  value       = local.provider_arn
}
