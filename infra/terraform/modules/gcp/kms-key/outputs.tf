output "key_id" {
  description = "Crypto key ID (projects/…/cryptoKeys/<key>), once the service agent may use it."
  value       = google_kms_crypto_key.this.id

  depends_on = [google_kms_crypto_key_iam_member.agent]
}
