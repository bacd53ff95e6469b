# Chart versions are pinned here (and only here); bump them in one reviewed change.
variable "chart_versions" {
  description = "Pinned chart versions."
  type = object({
    envoy_gateway         = string
    metrics_server        = string
    kube_prometheus_stack = string
    external_secrets      = string
  })
  default = {
    envoy_gateway         = "v1.8.3" # oci://docker.io/envoyproxy/gateway-helm and gateway-crds-helm
    metrics_server        = "3.13.1" # https://kubernetes-sigs.github.io/metrics-server/
    kube_prometheus_stack = "88.6.0" # https://prometheus-community.github.io/helm-charts
    external_secrets      = "2.12.0" # https://charts.external-secrets.io (external-secrets.io/v1 API)
  }
}

variable "cloud" {
  description = "aws or gcp: chooses the External Secrets provider and the platform-specific chart values."
  type        = string

  validation {
    condition     = contains(["aws", "gcp"], var.cloud)
    error_message = "cloud must be aws or gcp; got \"${var.cloud}\"."
  }
}

variable "region" {
  description = "Cloud region (AWS Secrets Manager region)."
  type        = string
}

variable "gcp_project" {
  description = "GCP project holding Secret Manager secrets (gcp only)."
  type        = string
  default     = null
}

variable "external_secrets_service_account_annotations" {
  description = "Annotations of the External Secrets controller's service account (GKE Workload Identity: iam.gke.io/gcp-service-account). EKS uses a Pod Identity association instead."
  type        = map(string)
  default     = {}
}

variable "install_metrics_server" {
  description = "Install metrics-server. GKE ships its own; installing a second one there breaks the metrics API."
  type        = bool
}

variable "node_exporter_enabled" {
  description = "Run node-exporter (a privileged DaemonSet). GKE Autopilot rejects it."
  type        = bool
}

variable "gateway" {
  description = "The shared Gateway that Slipway's HTTPRoutes attach to (listeners \"http\", and \"https\" when tls_secret names a certificate Secret). Envoy Gateway and its proxies run in the same namespace, the one services' NetworkPolicies admit."
  type = object({
    name       = optional(string, "public")
    namespace  = optional(string, "gateway-system")
    class      = optional(string, "envoy")
    tls_secret = optional(string) # Secret in the gateway namespace: adds the "https" listener
  })
  default = {}
}

variable "deploy_namespaces" {
  description = "Namespaces Slipway deploys into. Each is created, may attach routes to the Gateway, and grants the deployer group the slipway-deployer role."
  type        = list(string)

  validation {
    condition     = length(var.deploy_namespaces) > 0 && alltrue([for n in var.deploy_namespaces : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", n))])
    error_message = "deploy_namespaces must list at least one valid namespace name (lowercase DNS label)."
  }
}

variable "deployer_subjects" {
  description = "RBAC subjects bound to the slipway-deployer role in every deploy namespace: a Group on EKS (access entries), a User (the service account e-mail) on GKE."
  type = list(object({
    kind = string
    name = string
  }))

  validation {
    condition     = alltrue([for s in var.deployer_subjects : contains(["Group", "User"], s.kind)])
    error_message = "deployer_subjects kind must be Group or User."
  }
}

variable "prometheus" {
  description = "Prometheus sizing."
  type = object({
    retention    = optional(string, "15d")
    storage_size = optional(string, "50Gi")
    replicas     = optional(number, 1)
  })
  default = {}
}
