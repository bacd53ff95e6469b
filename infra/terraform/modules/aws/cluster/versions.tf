# No provider of its own: the community module inside declares and inherits what it needs.
terraform {
  required_version = ">= 1.9"
}
