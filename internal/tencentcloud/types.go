package tencentcloud

import (
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
)

// The TCSS product module is not on the Go module proxy, so the request and
// response of DescribeAbnormalProcessDetail (version 2020-11-01) are typed here
// and sent through the SDK's common client. Every field is a pointer: absent or
// null in the response stays nil, and becomes null in Terraform state.

// tcssAPI is the service and version of every TCSS action.
var tcssAPI = api{service: "tcss", version: "2020-11-01"}

const (
	// ActionDescribeAbnormalProcessDetail is the one TCSS action the provider calls.
	ActionDescribeAbnormalProcessDetail = "DescribeAbnormalProcessDetail"
)

// DescribeAbnormalProcessDetailRequest is the action's request body.
type DescribeAbnormalProcessDetailRequest struct {
	*tchttp.BaseRequest

	EventId *string `json:"EventId,omitempty" name:"EventId"`
}

// DescribeAbnormalProcessDetailResponse is the action's response envelope.
type DescribeAbnormalProcessDetailResponse struct {
	*tchttp.BaseResponse

	Response *DescribeAbnormalProcessDetailResponseParams `json:"Response"`
}

// DescribeAbnormalProcessDetailResponseParams holds the response's fields.
type DescribeAbnormalProcessDetailResponseParams struct {
	EventBaseInfo       *RunTimeEventBaseInfo            `json:"EventBaseInfo"`
	ProcessInfo         *ProcessDetailInfo               `json:"ProcessInfo"`
	ParentProcessInfo   *ProcessDetailBaseInfo           `json:"ParentProcessInfo"`
	EventDetail         *AbnormalProcessEventDescription `json:"EventDetail"`
	AncestorProcessInfo *ProcessBaseInfo                 `json:"AncestorProcessInfo"`
	RequestId           *string                          `json:"RequestId"`
}

// RunTimeEventBaseInfo is the event's base information (32 fields).
type RunTimeEventBaseInfo struct {
	EventId                      *string `json:"EventId"`
	FoundTime                    *string `json:"FoundTime"`
	ContainerId                  *string `json:"ContainerId"`
	ContainerName                *string `json:"ContainerName"`
	ImageId                      *string `json:"ImageId"`
	ImageName                    *string `json:"ImageName"`
	NodeName                     *string `json:"NodeName"`
	Status                       *string `json:"Status"`
	EventName                    *string `json:"EventName"`
	EventType                    *string `json:"EventType"`
	EventCount                   *int64  `json:"EventCount"`
	LatestFoundTime              *string `json:"LatestFoundTime"`
	HostIP                       *string `json:"HostIP"`
	ClientIP                     *string `json:"ClientIP"`
	ContainerNetStatus           *string `json:"ContainerNetStatus"`
	ContainerNetSubStatus        *string `json:"ContainerNetSubStatus"`
	ContainerIsolateOperationSrc *string `json:"ContainerIsolateOperationSrc"`
	NodeID                       *string `json:"NodeID"`
	NodeType                     *string `json:"NodeType"`
	NodeSubNetID                 *string `json:"NodeSubNetID"`
	NodeSubNetName               *string `json:"NodeSubNetName"`
	NodeSubNetCIDR               *string `json:"NodeSubNetCIDR"`
	PodName                      *string `json:"PodName"`
	PodIP                        *string `json:"PodIP"`
	PodStatus                    *string `json:"PodStatus"`
	ClusterID                    *string `json:"ClusterID"`
	ClusterName                  *string `json:"ClusterName"`
	NodeUniqueID                 *string `json:"NodeUniqueID"`
	HostID                       *string `json:"HostID"`
	Namespace                    *string `json:"Namespace"`
	WorkloadType                 *string `json:"WorkloadType"`
	ContainerStatus              *string `json:"ContainerStatus"`
}

// ProcessDetailInfo describes the abnormal process itself.
type ProcessDetailInfo struct {
	ProcessName      *string `json:"ProcessName"`
	ProcessAuthority *string `json:"ProcessAuthority"`
	// ProcessId is unsigned 64-bit in the API: no pid overflows it.
	ProcessId        *uint64 `json:"ProcessId"`
	ProcessStartUser *string `json:"ProcessStartUser"`
	ProcessUserGroup *string `json:"ProcessUserGroup"`
	ProcessPath      *string `json:"ProcessPath"`
	ProcessTree      *string `json:"ProcessTree"`
	ProcessMd5       *string `json:"ProcessMd5"`
	ProcessParam     *string `json:"ProcessParam"`
}

// ProcessDetailBaseInfo describes the parent process.
type ProcessDetailBaseInfo struct {
	ProcessName      *string `json:"ProcessName"`
	ProcessId        *uint64 `json:"ProcessId"`
	ProcessStartUser *string `json:"ProcessStartUser"`
	ProcessUserGroup *string `json:"ProcessUserGroup"`
	ProcessPath      *string `json:"ProcessPath"`
	ProcessParam     *string `json:"ProcessParam"`
}

// ProcessBaseInfo describes the ancestor process.
type ProcessBaseInfo struct {
	ProcessStartUser *string `json:"ProcessStartUser"`
	ProcessUserGroup *string `json:"ProcessUserGroup"`
	ProcessPath      *string `json:"ProcessPath"`
	ProcessParam     *string `json:"ProcessParam"`
}

// AbnormalProcessEventDescription is the event's description and matched rule.
type AbnormalProcessEventDescription struct {
	Description   *string                       `json:"Description"`
	Solution      *string                       `json:"Solution"`
	Remark        *string                       `json:"Remark"`
	MatchRule     *AbnormalProcessChildRuleInfo `json:"MatchRule"`
	RuleName      *string                       `json:"RuleName"`
	RuleId        *string                       `json:"RuleId"`
	OperationTime *string                       `json:"OperationTime"`
	GroupName     *string                       `json:"GroupName"`
}

// AbnormalProcessChildRuleInfo is the rule the process matched.
type AbnormalProcessChildRuleInfo struct {
	RuleMode    *string `json:"RuleMode"`
	ProcessPath *string `json:"ProcessPath"`
	RuleId      *string `json:"RuleId"`
	RuleLevel   *string `json:"RuleLevel"`
	CmdLine     *string `json:"CmdLine"`
}

// ActionDescribeAbnormalProcessEvents lists abnormal-process events.
const ActionDescribeAbnormalProcessEvents = "DescribeAbnormalProcessEvents"

// MaxEventsLimit is the largest Limit DescribeAbnormalProcessEvents accepts.
const MaxEventsLimit = 100

// RunTimeFilters is one filter of an event list.
type RunTimeFilters struct {
	Name       *string   `json:"Name,omitempty" name:"Name"`
	Values     []*string `json:"Values,omitempty" name:"Values"`
	ExactMatch *bool     `json:"ExactMatch,omitempty" name:"ExactMatch"`
}

// DescribeAbnormalProcessEventsRequest is the list's request body; every
// field is optional and nil ones are left out.
type DescribeAbnormalProcessEventsRequest struct {
	*tchttp.BaseRequest

	Limit   *uint64           `json:"Limit,omitempty" name:"Limit"`
	Offset  *uint64           `json:"Offset,omitempty" name:"Offset"`
	Filters []*RunTimeFilters `json:"Filters,omitempty" name:"Filters"`
	Order   *string           `json:"Order,omitempty" name:"Order"`
	By      *string           `json:"By,omitempty" name:"By"`
}

// DescribeAbnormalProcessEventsResponse is the list's response envelope.
type DescribeAbnormalProcessEventsResponse struct {
	*tchttp.BaseResponse

	Response *DescribeAbnormalProcessEventsResponseParams `json:"Response"`
}

// DescribeAbnormalProcessEventsResponseParams holds one page.
type DescribeAbnormalProcessEventsResponseParams struct {
	TotalCount *uint64                    `json:"TotalCount"`
	EventSet   []AbnormalProcessEventInfo `json:"EventSet"`
	RequestId  *string                    `json:"RequestId"`
}

// AbnormalProcessEventInfo is one event of the list: 38 scalar fields.
type AbnormalProcessEventInfo struct {
	ProcessPath                  *string `json:"ProcessPath"`
	EventType                    *string `json:"EventType"`
	MatchRuleName                *string `json:"MatchRuleName"`
	FoundTime                    *string `json:"FoundTime"`
	ContainerName                *string `json:"ContainerName"`
	ImageName                    *string `json:"ImageName"`
	Behavior                     *string `json:"Behavior"`
	Status                       *string `json:"Status"`
	Id                           *string `json:"Id"`
	ImageId                      *string `json:"ImageId"`
	ContainerId                  *string `json:"ContainerId"`
	Solution                     *string `json:"Solution"`
	Description                  *string `json:"Description"`
	MatchRuleId                  *string `json:"MatchRuleId"`
	MatchAction                  *string `json:"MatchAction"`
	MatchProcessPath             *string `json:"MatchProcessPath"`
	RuleExist                    *bool   `json:"RuleExist"`
	EventCount                   *int64  `json:"EventCount"`
	LatestFoundTime              *string `json:"LatestFoundTime"`
	RuleId                       *string `json:"RuleId"`
	MatchGroupName               *string `json:"MatchGroupName"`
	MatchRuleLevel               *string `json:"MatchRuleLevel"`
	ContainerNetStatus           *string `json:"ContainerNetStatus"`
	ContainerNetSubStatus        *string `json:"ContainerNetSubStatus"`
	ContainerIsolateOperationSrc *string `json:"ContainerIsolateOperationSrc"`
	ContainerStatus              *string `json:"ContainerStatus"`
	ClusterID                    *string `json:"ClusterID"`
	NodeType                     *string `json:"NodeType"`
	PodName                      *string `json:"PodName"`
	PodIP                        *string `json:"PodIP"`
	NodeUniqueID                 *string `json:"NodeUniqueID"`
	PublicIP                     *string `json:"PublicIP"`
	NodeName                     *string `json:"NodeName"`
	NodeID                       *string `json:"NodeID"`
	HostID                       *string `json:"HostID"`
	HostIP                       *string `json:"HostIP"`
	ClusterName                  *string `json:"ClusterName"`
	CmdLine                      *string `json:"CmdLine"`
}
