package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processtree"
)

var _ function.Function = (*parseProcessTreeFunction)(nil)

// NewParseProcessTreeFunction is provider::cwpp::parse_process_tree.
func NewParseProcessTreeFunction() function.Function { return &parseProcessTreeFunction{} }

type parseProcessTreeFunction struct{}

func (f *parseProcessTreeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_process_tree"
}

func (f *parseProcessTreeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parse a TCSS process tree string",
		Description: "Parses a TCSS `process_tree` such as `xenoncli(2907621)|containerd-shim(330852)|systemd(1)` into a " +
			"list of `{ name, pid }`, child first: the same list as `process_info.process_tree_nodes` of " +
			"`cwpp_tcss_abnormal_process`. `pid` is null for an entry written `name()`. A string that is not a process " +
			"tree is an error.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "process_tree", Description: "The process tree string."},
		},
		Return: function.ListReturn{ElementType: processTreeNodesAttribute().NestedObject.Type()},
	}
}

func (f *parseProcessTreeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var tree string
	resp.Error = req.Arguments.Get(ctx, &tree)
	if resp.Error != nil {
		return
	}
	nodes, err := processtree.Parse(tree)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid process tree: "+err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, processTreeNodes(nodes))
}
