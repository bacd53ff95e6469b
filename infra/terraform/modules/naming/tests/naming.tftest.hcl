# Provider-free tests of the naming, CIDR and tag rules every environment root relies on.
# Run: terraform -chdir=infra/terraform/modules/naming init -backend=false && terraform -chdir=infra/terraform/modules/naming test

variables {
  project      = "slipway"
  environment  = "production"
  cloud        = "aws"
  region       = "eu-west-1"
  network_cidr = "10.20.0.0/16"
  owner        = "platform-team"
  repository   = "acme/slipway"
}

run "names_follow_project_and_environment" {
  command = plan

  assert {
    condition     = output.name == "slipway-production" && output.cluster_name == "slipway-production"
    error_message = "name should be <project>-<environment>, got ${output.name}"
  }
  assert {
    condition     = output.registry_name == "slipway"
    error_message = "the registry is named after the project so that a digest keeps its repository name across environments"
  }
  assert {
    condition     = output.production
    error_message = "production must be flagged as production"
  }
}

run "aws_subnets_for_a_slash_16" {
  command = plan

  assert {
    condition     = output.network.aws_private_subnets == ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]
    error_message = "private subnets: ${jsonencode(output.network.aws_private_subnets)}"
  }
  assert {
    condition     = output.network.aws_public_subnets == ["10.20.224.0/22", "10.20.228.0/22", "10.20.232.0/22"]
    error_message = "public subnets: ${jsonencode(output.network.aws_public_subnets)}"
  }
}

run "gcp_ranges_for_a_slash_16" {
  command = plan

  variables {
    cloud  = "gcp"
    region = "europe-west1"
  }

  assert {
    condition = (
      output.network.gcp_nodes_range == "10.20.0.0/20" &&
      output.network.gcp_services_range == "10.20.16.0/20" &&
      output.network.gcp_master_range == "10.20.32.0/28" &&
      output.network.gcp_pods_range == "10.20.128.0/17"
    )
    error_message = "GCP ranges: ${jsonencode(output.network)}"
  }
}

run "smallest_network_still_fits_every_range" {
  command = plan

  variables {
    environment  = "development"
    network_cidr = "10.30.0.0/20"
    zone_count   = 1
  }

  assert {
    condition     = output.network.aws_private_subnets == ["10.30.0.0/23"] && output.network.aws_public_subnets == ["10.30.14.0/26"]
    error_message = "a /20 with one zone: ${jsonencode(output.network)}"
  }
  assert {
    condition     = output.network.gcp_master_range == "10.30.2.0/28" && output.network.gcp_pods_range == "10.30.8.0/21"
    error_message = "a /20 on GCP: ${jsonencode(output.network)}"
  }
  assert {
    condition     = !output.production
    error_message = "development is not production"
  }
}

run "zone_count_sets_the_number_of_subnets" {
  command = plan

  variables {
    environment = "staging"
    zone_count  = 2
  }

  assert {
    condition     = length(output.network.aws_private_subnets) == 2 && length(output.network.aws_public_subnets) == 2
    error_message = "two zones, two subnets of each kind"
  }
}

run "aws_tags_carry_the_standard_keys_and_win_over_extras" {
  command = plan

  variables {
    extra_tags = { CostCenter = "R&D 42", Environment = "spoofed" }
  }

  assert {
    condition = output.tags == {
      Project     = "slipway"
      Environment = "production"
      Owner       = "platform-team"
      Repository  = "acme/slipway"
      ManagedBy   = "terraform"
      CostCenter  = "R&D 42"
    }
    error_message = "tags: ${jsonencode(output.tags)}"
  }
}

run "gcp_labels_are_lowercase_and_sanitised" {
  command = plan

  variables {
    cloud      = "gcp"
    region     = "europe-west1"
    extra_tags = { CostCenter = "R&D 42" }
  }

  assert {
    condition     = output.labels["repository"] == "acme_slipway" && output.labels["costcenter"] == "r_d_42" && output.labels["managedby"] == "terraform"
    error_message = "labels: ${jsonencode(output.labels)}"
  }
  assert {
    condition     = alltrue([for k, v in output.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "every label key and value must match GCP's rules: ${jsonencode(output.labels)}"
  }
}

run "rejects_an_unknown_environment" {
  command = plan

  variables {
    environment = "prod"
  }

  expect_failures = [var.environment]
}

run "rejects_a_network_that_is_too_small" {
  command = plan

  variables {
    network_cidr = "10.20.0.0/24"
  }

  expect_failures = [var.network_cidr]
}

run "rejects_a_cidr_that_is_not_a_network_address" {
  command = plan

  variables {
    network_cidr = "10.20.1.0/16"
  }

  expect_failures = [var.network_cidr]
}

run "rejects_a_repository_without_owner" {
  command = plan

  variables {
    repository = "slipway"
  }

  expect_failures = [var.repository]
}

run "rejects_an_uppercase_project" {
  command = plan

  variables {
    project = "Slipway"
  }

  expect_failures = [var.project]
}
