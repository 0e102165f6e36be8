# A deploy gate over both clouds' runtime events, and its tests: tests/ run
# it offline against the fixtures with cwpp-localcloud (see README.md here).
terraform {
  required_providers {
    cwpp = {
      source = "cwpp-terraform/cwpp"
    }
  }
}

# Credentials and endpoints come from the environment: cwpp-localcloud
# exports them for the command it runs.
provider "cwpp" {}

variable "last_days" {
  type        = number
  description = "How many days of events the gate considers."
  default     = 7
}

variable "protected_hosts" {
  type        = set(string)
  description = "Hosts where no critical or high event may stay open."
  default     = ["web-1", "web-2"]
}

# Both clouds, normalized: open critical and high events of the window.
data "cwpp_process_events" "open" {
  last_days  = var.last_days
  severities = ["critical", "high"]
  statuses   = ["new"]
}

# TCSS's own view: an unhandled HIGH rule match stops the run.
data "cwpp_tcss_abnormal_processes" "unhandled_high" {
  last_days   = var.last_days
  status      = "EVENT_UNDEAL"
  rule_levels = ["HIGH"]
  max_results = 0

  lifecycle {
    postcondition {
      condition     = self.matched_count == 0
      error_message = "${self.matched_count} unhandled HIGH abnormal-process events in the last ${var.last_days} days: handle them before deploying."
    }
  }
}

locals {
  open_on_protected_hosts = [
    for e in data.cwpp_process_events.open.events :
    "${e.severity} ${e.title} on ${e.device.hostname} (${e.cloud} ${e.event_id})"
    if contains(var.protected_hosts, coalesce(e.device.hostname, "-"))
  ]
}

# A failed check is a warning: every plan shows it, and the run goes on.
check "no_open_events_on_protected_hosts" {
  assert {
    condition     = length(local.open_on_protected_hosts) == 0
    error_message = "Open critical or high events on protected hosts: ${join("; ", local.open_on_protected_hosts)}"
  }
}

output "open_events" {
  description = "Open critical and high events of both clouds, as cloud/event_id, newest first."
  value       = [for e in data.cwpp_process_events.open.events : "${e.cloud}/${e.event_id}"]
}

output "open_on_protected_hosts" {
  description = "What the check found on protected hosts."
  value       = local.open_on_protected_hosts
}
