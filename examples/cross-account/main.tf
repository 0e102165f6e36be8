# Read runtime events of several member accounts from one central account.
# The central account's keys come from the environment (TENCENTCLOUD_SECRET_ID,
# TENCENTCLOUD_SECRET_KEY, HW_ACCESS_KEY, HW_SECRET_KEY); each alias assumes
# the same role (Tencent) or agency (Huawei) in its member account. The
# temporary keys are assumed once per provider instance and assumed again
# well before they expire, however long the reads take.

variable "members" {
  description = "Member accounts: Tencent Cloud uin and Huawei Cloud account (domain) name and HSS project id."
  type = map(object({
    uin               = string
    domain_name       = string
    huawei_project_id = string
  }))
  default = {
    team_a = { uin = "100000000001", domain_name = "team-a", huawei_project_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9" }
    team_b = { uin = "100000000002", domain_name = "team-b", huawei_project_id = "f9e8d7c6b5a4938271605f4e3d2c1b0a" }
  }
}

variable "external_id" {
  description = "External id the member roles' trust policy requires."
  type        = string
  sensitive   = true
}

provider "cwpp" {
  alias = "team_a"
  tencentcloud {
    assume_role {
      role_arn     = "qcs::cam::uin/${var.members.team_a.uin}:roleName/cwpp-reader"
      session_name = "cwpp-team-a"
      external_id  = var.external_id
    }
  }
  huaweicloud {
    region     = "cn-north-4"
    project_id = var.members.team_a.huawei_project_id # the member account's project
    assume_role {
      agency_name = "cwpp_reader"
      domain_name = var.members.team_a.domain_name
    }
  }
}

provider "cwpp" {
  alias = "team_b"
  tencentcloud {
    assume_role {
      role_arn     = "qcs::cam::uin/${var.members.team_b.uin}:roleName/cwpp-reader"
      session_name = "cwpp-team-b"
      external_id  = var.external_id
    }
  }
  huaweicloud {
    region     = "cn-north-4"
    project_id = var.members.team_b.huawei_project_id
    assume_role {
      agency_name = "cwpp_reader"
      domain_name = var.members.team_b.domain_name
      duration    = 7200
    }
  }
}

data "cwpp_tcss_abnormal_processes" "team_a" {
  provider    = cwpp.team_a
  status      = "EVENT_UNDEAL"
  max_results = 0 # the summary is enough here
}

data "cwpp_tcss_abnormal_processes" "team_b" {
  provider    = cwpp.team_b
  status      = "EVENT_UNDEAL"
  max_results = 0
}

data "cwpp_hss_app_whitelist_events" "team_a" {
  provider    = cwpp.team_a
  last_days   = 7
  max_results = 0
}

data "cwpp_hss_app_whitelist_events" "team_b" {
  provider    = cwpp.team_b
  last_days   = 7
  max_results = 0
}

output "unhandled_high_by_member" {
  value = {
    team_a = lookup(data.cwpp_tcss_abnormal_processes.team_a.summary.by_match_rule_level, "HIGH", 0)
    team_b = lookup(data.cwpp_tcss_abnormal_processes.team_b.summary.by_match_rule_level, "HIGH", 0)
  }
}

output "hss_events_by_member" {
  value = {
    team_a = data.cwpp_hss_app_whitelist_events.team_a.total_num
    team_b = data.cwpp_hss_app_whitelist_events.team_b.total_num
  }
}
