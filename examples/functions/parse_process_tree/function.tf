# Requires Terraform 1.8+ or OpenTofu 1.7+ (provider-defined functions).
output "ancestry" {
  value = provider::cwpp::parse_process_tree("xenoncli(2907621)|containerd-shim(330852)|systemd(1)")
  # [{ name = "xenoncli", pid = 2907621 }, { name = "containerd-shim", pid = 330852 }, { name = "systemd", pid = 1 }]
}
