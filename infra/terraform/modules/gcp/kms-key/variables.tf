variable "project" {
  description = "GCP project of the key."
  type        = string
}

variable "region" {
  description = "Location of the key ring (the region of the resources it encrypts)."
  type        = string
}

variable "key_ring" {
  description = "Key ring name (key rings cannot be deleted: the name is taken for good)."
  type        = string
}

variable "key" {
  description = "Crypto key name."
  type        = string
}

variable "service_agent_domain" {
  description = "Domain of the Google service agent that uses the key, e.g. container-engine-robot.iam.gserviceaccount.com."
  type        = string
}

variable "labels" {
  description = "Labels of the key."
  type        = map(string)
}
