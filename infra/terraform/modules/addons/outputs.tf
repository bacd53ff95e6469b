output "gateway_name" {
  description = "Name of the shared Gateway HTTPRoutes attach to."
  value       = var.gateway.name
}

output "gateway_namespace" {
  description = "Namespace of the shared Gateway."
  value       = helm_release.platform.namespace
}

output "prometheus_url" {
  description = "In-cluster Prometheus URL (from outside: through the API server's service proxy or a port-forward)."
  value       = "http://${local.prometheus_fullname}-prometheus.${helm_release.kube_prometheus_stack.namespace}.svc.cluster.local:9090"
}

output "secret_store_name" {
  description = "ClusterSecretStore that ExternalSecrets reference."
  value       = local.secret_store_name
}

output "deploy_namespaces" {
  description = "Namespaces Slipway may deploy into."
  value       = [for ns in kubernetes_namespace_v1.deploy : ns.metadata[0].name]
}
