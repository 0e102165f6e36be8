# Configure only the clouds whose data sources you use. Every setting falls
# back to the environment variable the vendors' own providers use, so in CI
# an empty block is enough:
#
#   export TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=...
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=... HW_PROJECT_ID=... HW_REGION_NAME=cn-north-4
provider "cwpp" {
  tencentcloud {
    region              = "ap-guangzhou"
    requests_per_second = 20
  }

  huaweicloud {
    region     = "cn-north-4"
    project_id = var.huawei_project_id
  }
}

variable "huawei_project_id" {
  type        = string
  description = "Huawei Cloud project id of the HSS project to read."
}
