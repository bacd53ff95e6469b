output "role_arns" {
  description = "Deploy role ARN per GitHub environment (AWS_DEPLOY_ROLE_ARN of that environment)."
  value       = { for environment, role in aws_iam_role.deploy : environment => role.arn }
}

output "oidc_provider_arn" {
  description = "ARN of GitHub's OIDC provider in this account."
  value       = local.provider_arn
}
