package huaweicloud

// ListAppWhitelistEventRequest carries exactly the documented query parameters of
// GET /v5/{project_id}/app/event. The SDK's own request type cannot send
// private_ip and always sends begin_time=0&end_time=0, so the provider uses this
// one; nil fields are left out of the query.
type ListAppWhitelistEventRequest struct {
	EnterpriseProjectID *string `json:"enterprise_project_id,omitempty"`
	LastDays            *int32  `json:"last_days,omitempty"`
	BeginTime           *int64  `json:"begin_time,omitempty"`
	EndTime             *int64  `json:"end_time,omitempty"`
	HostName            *string `json:"host_name,omitempty"`
	HostIP              *string `json:"host_ip,omitempty"`
	PrivateIP           *string `json:"private_ip,omitempty"`
	HandleStatus        *string `json:"handle_status,omitempty"`
	Offset              int32   `json:"offset"`
	Limit               int32   `json:"limit"`
}

// ListAppWhitelistEventResponse is one page. HttpStatusCode is filled by the SDK.
type ListAppWhitelistEventResponse struct {
	TotalNum       *int32                          `json:"total_num,omitempty"`
	DataList       []AppWhitelistEventResponseInfo `json:"data_list,omitempty"`
	HttpStatusCode int                             `json:"-"`
}

// AppWhitelistEventResponseInfo is one event, every field of the reference.
type AppWhitelistEventResponseInfo struct {
	EventID           *string                          `json:"event_id"`
	EventClassID      *string                          `json:"event_class_id"`
	EventType         *int64                           `json:"event_type"`
	EventName         *string                          `json:"event_name"`
	Severity          *string                          `json:"severity"`
	HostName          *string                          `json:"host_name"`
	HostID            *string                          `json:"host_id"`
	PrivateIP         *string                          `json:"private_ip"`
	PublicIP          *string                          `json:"public_ip"`
	AttackPhase       *string                          `json:"attack_phase"`
	AttackTag         *string                          `json:"attack_tag"`
	OccurTime         *int64                           `json:"occur_time"`
	HandleTime        *int64                           `json:"handle_time"`
	HandleStatus      *string                          `json:"handle_status"`
	HandleMethod      *string                          `json:"handle_method"`
	OperateAcceptList []string                         `json:"operate_accept_list"`
	OperateDetailList []AppWhitelistEventDetailResInfo `json:"operate_detail_list"`
	ResourceInfo      *EventResourceInfo               `json:"resource_info"`
	Recommendation    *string                          `json:"recommendation"`
	// The reference's table names the process list process_info, its example
	// response process_info_list: both are decoded, and Processes reads them.
	ProcessInfo     []EventProcessResInfo `json:"process_info"`
	ProcessInfoList []EventProcessResInfo `json:"process_info_list"`
	PolicyID        *string               `json:"policy_id"`
	PolicyName      *string               `json:"policy_name"`
	OsType          *string               `json:"os_type"`
	AssetValue      *string               `json:"asset_value"`
	HostStatus      *string               `json:"host_status"`
	AgentStatus     *string               `json:"agent_status"`
	ProtectStatus   *string               `json:"protect_status"`
}

// Processes is the event's process list, under either key. Plain fields, not
// an UnmarshalJSON: a method of its own would take every event out of the
// SDK's json-iterator into encoding/json, three times slower.
func (e *AppWhitelistEventResponseInfo) Processes() []EventProcessResInfo {
	if e.ProcessInfo != nil {
		return e.ProcessInfo
	}
	return e.ProcessInfoList
}

// AppWhitelistEventDetailResInfo is one entry of operate_detail_list.
type AppWhitelistEventDetailResInfo struct {
	AgentID       *string `json:"agent_id"`
	ProcessPid    *int64  `json:"process_pid"`
	FileHash      *string `json:"file_hash"`
	FilePath      *string `json:"file_path"`
	FileAttr      *string `json:"file_attr"`
	PrivateIP     *string `json:"private_ip"`
	LoginIP       *string `json:"login_ip"`
	LoginUserName *string `json:"login_user_name"`
}

// EventResourceInfo is resource_info, all 31 fields.
type EventResourceInfo struct {
	DomainID            *string `json:"domain_id"`
	ProjectID           *string `json:"project_id"`
	EnterpriseProjectID *string `json:"enterprise_project_id"`
	RegionName          *string `json:"region_name"`
	VpcID               *string `json:"vpc_id"`
	CloudID             *string `json:"cloud_id"`
	VMName              *string `json:"vm_name"`
	VMUUID              *string `json:"vm_uuid"`
	ContainerID         *string `json:"container_id"`
	ImageID             *string `json:"image_id"`
	ImageName           *string `json:"image_name"`
	HostAttr            *string `json:"host_attr"`
	Service             *string `json:"service"`
	MicroService        *string `json:"micro_service"`
	SysArch             *string `json:"sys_arch"`
	OsBit               *string `json:"os_bit"`
	OsType              *string `json:"os_type"`
	OsName              *string `json:"os_name"`
	HostName            *string `json:"host_name"`
	HostIP              *string `json:"host_ip"`
	PublicIP            *string `json:"public_ip"`
	HostID              *string `json:"host_id"`
	PodUID              *string `json:"pod_uid"`
	PodName             *string `json:"pod_name"`
	Namespace           *string `json:"namespace"`
	ClusterID           *string `json:"cluster_id"`
	ClusterName         *string `json:"cluster_name"`
	AssetValue          *string `json:"asset_value"`
	ContainerStatus     *string `json:"container_status"`
	OsVersion           *string `json:"os_version"`
	AgentVersion        *string `json:"agent_version"`
}

// EventProcessResInfo is one process of the event, every field of the reference's table.
type EventProcessResInfo struct {
	ProcessName            *string `json:"process_name"`
	ProcessPath            *string `json:"process_path"`
	ProcessPid             *int64  `json:"process_pid"`
	ProcessUID             *int64  `json:"process_uid"`
	ProcessUsername        *string `json:"process_username"`
	ProcessCmdline         *string `json:"process_cmdline"`
	ProcessFilename        *string `json:"process_filename"`
	ProcessStartTime       *int64  `json:"process_start_time"`
	ProcessGid             *int64  `json:"process_gid"`
	ProcessEgid            *int64  `json:"process_egid"`
	ProcessEuid            *int64  `json:"process_euid"`
	ParentProcessName      *string `json:"parent_process_name"`
	ParentProcessPath      *string `json:"parent_process_path"`
	ParentProcessPid       *int64  `json:"parent_process_pid"`
	ParentProcessUID       *int64  `json:"parent_process_uid"`
	ParentProcessCmdline   *string `json:"parent_process_cmdline"`
	ParentProcessFilename  *string `json:"parent_process_filename"`
	ParentProcessStartTime *int64  `json:"parent_process_start_time"`
	ParentProcessGid       *int64  `json:"parent_process_gid"`
	ParentProcessEgid      *int64  `json:"parent_process_egid"`
	ParentProcessEuid      *int64  `json:"parent_process_euid"`
	ChildProcessName       *string `json:"child_process_name"`
	ChildProcessPath       *string `json:"child_process_path"`
	ChildProcessPid        *int64  `json:"child_process_pid"`
	ChildProcessUID        *int64  `json:"child_process_uid"`
	ChildProcessCmdline    *string `json:"child_process_cmdline"`
	ChildProcessFilename   *string `json:"child_process_filename"`
	ChildProcessStartTime  *int64  `json:"child_process_start_time"`
	ChildProcessGid        *int64  `json:"child_process_gid"`
	ChildProcessEgid       *int64  `json:"child_process_egid"`
	ChildProcessEuid       *int64  `json:"child_process_euid"`
	VirtCmd                *string `json:"virt_cmd"`
	VirtProcessName        *string `json:"virt_process_name"`
	EscapeMode             *string `json:"escape_mode"`
	EscapeCmd              *string `json:"escape_cmd"`
	ProcessHash            *string `json:"process_hash"`
	Mode                   *string `json:"mode"`
	Rule                   *int64  `json:"rule"`
	Score                  *int64  `json:"score"`
	ProcessFileHash        *string `json:"process_file_hash"`
	ParentProcessFileHash  *string `json:"parent_process_file_hash"`
	AncestorProcessPid     *int64  `json:"ancestor_process_pid"`
	AncestorProcessCmdline *string `json:"ancestor_process_cmdline"`
	AncestorProcessPath    *string `json:"ancestor_process_path"`
	OperateType            *int64  `json:"operate_type"`
	SessionID              *int64  `json:"session_id"`
}
