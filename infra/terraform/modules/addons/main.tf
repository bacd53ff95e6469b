# What Slipway's Kubernetes target needs in every cluster, on either cloud:
#   - Gateway API CRDs and Envoy Gateway, plus one shared Gateway: canary traffic splitting by
#     HTTPRoute weights;
#   - metrics-server: HPAs (skipped on GKE, which ships its own);
#   - kube-prometheus-stack: Prometheus for analysis, scraping Envoy's per-route metrics;
#   - External Secrets Operator and a ClusterSecretStore on the cloud's secret manager: secret
#     references in slipway.yaml, never values;
#   - deploy namespaces and the namespaced RBAC role the CI deploy identity is bound to.
# Order matters and is explicit (depends_on): CRDs → controllers → objects that use the CRDs.

locals {
  monitoring_namespace = "monitoring"
  prometheus_fullname  = "kps"
  secret_store_name    = "cloud-secrets"
}

# -----------------------------------------------------------------------------------------------
# Gateway API + Envoy Gateway
# -----------------------------------------------------------------------------------------------
resource "helm_release" "gateway_crds" {
  name             = "gateway-crds"
  namespace        = var.gateway.namespace
  create_namespace = true
  repository       = "oci://docker.io/envoyproxy"
  chart            = "gateway-crds-helm"
  version          = var.chart_versions.envoy_gateway
  values = [yamlencode({
    crds = {
      gatewayAPI   = { enabled = true, channel = "standard" }
      envoyGateway = { enabled = true }
    }
  })]
}

resource "helm_release" "envoy_gateway" {
  name       = "envoy-gateway"
  namespace  = helm_release.gateway_crds.namespace
  repository = "oci://docker.io/envoyproxy"
  chart      = "gateway-helm"
  version    = var.chart_versions.envoy_gateway
  skip_crds  = true # installed (and upgraded) by gateway_crds above
  wait       = true

  depends_on = [helm_release.gateway_crds]
}

# -----------------------------------------------------------------------------------------------
# metrics-server
# -----------------------------------------------------------------------------------------------
resource "helm_release" "metrics_server" {
  count = var.install_metrics_server ? 1 : 0

  name       = "metrics-server"
  namespace  = "kube-system"
  repository = "https://kubernetes-sigs.github.io/metrics-server/"
  chart      = "metrics-server"
  version    = var.chart_versions.metrics_server
  values = [yamlencode({
    replicas = 2
    podDisruptionBudget = {
      enabled      = true
      minAvailable = 1
    }
  })]
}

# -----------------------------------------------------------------------------------------------
# Prometheus (kube-prometheus-stack without Grafana: Slipway queries Prometheus directly)
# -----------------------------------------------------------------------------------------------
resource "helm_release" "kube_prometheus_stack" {
  name             = "kube-prometheus-stack"
  namespace        = local.monitoring_namespace
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = var.chart_versions.kube_prometheus_stack
  values = [yamlencode({
    fullnameOverride = local.prometheus_fullname
    grafana          = { enabled = false }
    nodeExporter     = { enabled = var.node_exporter_enabled }
    # Managed control planes: these components are not reachable for scraping.
    kubeControllerManager = { enabled = false }
    kubeScheduler         = { enabled = false }
    kubeEtcd              = { enabled = false }
    kubeProxy             = { enabled = var.cloud == "aws" }
    prometheus = {
      prometheusSpec = {
        replicas  = var.prometheus.replicas
        retention = var.prometheus.retention
        # Pick up every ServiceMonitor/PodMonitor, not only those labelled with this release:
        # services deployed by Slipway bring their own.
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              accessModes = ["ReadWriteOnce"]
              resources   = { requests = { storage = var.prometheus.storage_size } }
            }
          }
        }
      }
    }
  })]
}

# -----------------------------------------------------------------------------------------------
# External Secrets Operator
# -----------------------------------------------------------------------------------------------
resource "helm_release" "external_secrets" {
  name             = "external-secrets"
  namespace        = "external-secrets"
  create_namespace = true
  repository       = "https://charts.external-secrets.io"
  chart            = "external-secrets"
  version          = var.chart_versions.external_secrets
  wait             = true
  values = [yamlencode({
    installCRDs = true
    serviceAccount = {
      name        = "external-secrets"
      annotations = var.external_secrets_service_account_annotations
    }
  })]
}

# -----------------------------------------------------------------------------------------------
# Deploy namespaces and the deployer role
# -----------------------------------------------------------------------------------------------
resource "kubernetes_namespace_v1" "deploy" {
  for_each = toset(var.deploy_namespaces)

  metadata {
    name = each.key
    labels = {
      # Allowed to attach HTTPRoutes to the shared Gateway (its allowedRoutes selector).
      "slipway.dev/gateway-access" = "true"
      # Pods must meet the restricted Pod Security Standard (Slipway renders it so).
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

# What `slipway deploy` needs in a namespace, and nothing cluster-wide: full control of the
# objects it renders, read-only access to what it watches (pods, events).
locals {
  manage = ["get", "list", "watch", "create", "update", "patch", "delete"]
  deployer_rules = [
    { api_groups = [""], resources = ["services", "configmaps", "serviceaccounts", "secrets"], verbs = local.manage },
    { api_groups = [""], resources = ["pods", "events", "endpoints"], verbs = ["get", "list", "watch"] },
    { api_groups = ["apps"], resources = ["deployments", "replicasets"], verbs = local.manage },
    { api_groups = ["autoscaling"], resources = ["horizontalpodautoscalers"], verbs = local.manage },
    { api_groups = ["policy"], resources = ["poddisruptionbudgets"], verbs = local.manage },
    { api_groups = ["networking.k8s.io"], resources = ["networkpolicies", "ingresses"], verbs = local.manage },
    { api_groups = ["gateway.networking.k8s.io"], resources = ["httproutes"], verbs = local.manage },
    { api_groups = ["coordination.k8s.io"], resources = ["leases"], verbs = local.manage },
    { api_groups = ["external-secrets.io"], resources = ["externalsecrets"], verbs = local.manage },
    { api_groups = ["monitoring.coreos.com"], resources = ["servicemonitors", "podmonitors"], verbs = local.manage },
  ]
}

resource "kubernetes_cluster_role_v1" "deployer" {
  metadata {
    name = "slipway-deployer"
  }

  dynamic "rule" {
    for_each = local.deployer_rules
    content {
      api_groups = rule.value.api_groups
      resources  = rule.value.resources
      verbs      = rule.value.verbs
    }
  }
}

resource "kubernetes_role_binding_v1" "deployer" {
  for_each = kubernetes_namespace_v1.deploy

  metadata {
    name      = "slipway-deployer"
    namespace = each.value.metadata[0].name
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.deployer.metadata[0].name
  }
  dynamic "subject" {
    for_each = var.deployer_subjects
    content {
      api_group = "rbac.authorization.k8s.io"
      kind      = subject.value.kind
      name      = subject.value.name
    }
  }
}

# -----------------------------------------------------------------------------------------------
# Objects of the CRDs above (GatewayClass, Gateway, ClusterSecretStore, Envoy PodMonitor), as a
# small local chart: helm applies them after their CRDs exist, which kubernetes_manifest cannot
# (it needs the CRD at plan time, before the first apply has installed it).
# -----------------------------------------------------------------------------------------------
resource "helm_release" "platform" {
  name             = "slipway-platform"
  namespace        = var.gateway.namespace
  create_namespace = true
  chart            = "${path.module}/charts/platform"
  values = [yamlencode({
    gateway = {
      name      = var.gateway.name
      className = var.gateway.class
      tlsSecret = var.gateway.tls_secret == null ? "" : var.gateway.tls_secret
      routeNamespaceLabel = {
        key   = "slipway.dev/gateway-access"
        value = "true"
      }
    }
    secretStore = {
      name       = local.secret_store_name
      cloud      = var.cloud
      region     = var.region
      gcpProject = var.gcp_project == null ? "" : var.gcp_project
      serviceAccount = {
        name      = "external-secrets"
        namespace = helm_release.external_secrets.namespace
      }
    }
    monitoring = {
      namespace = local.monitoring_namespace
    }
    envoyNamespace = helm_release.envoy_gateway.namespace
  })]

  depends_on = [helm_release.envoy_gateway, helm_release.external_secrets, helm_release.kube_prometheus_stack]
}
