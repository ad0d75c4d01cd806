variable "requests_layer_version" {
  description = "Version of the shared requests layer"
  type        = number
  default     = 3
}
