package bump

import (
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// functionOf names the function (or functions) a reference's layer is
// attached to, from where the scanner found it: a Terraform resource, a
// template's resource, a Serverless function, a Pulumi YAML resource; "" when the file does not
// say (CDK code, plain text).
func functionOf(r ref.Reference) string {
	c := r.Context
	switch r.Format {
	case ref.Terraform:
		if i := strings.Index(c, ".layers"); i > 0 {
			return c[:i]
		}
	case ref.CloudFormation, ref.SAM:
		if rest, ok := strings.CutPrefix(c, "Resources."); ok {
			name, _, _ := strings.Cut(rest, ".")
			return name
		}
		if strings.HasPrefix(c, "Globals.Function") {
			return "every function (Globals)"
		}
	case ref.Pulumi:
		// A YAML program: resources.NAME.properties.layers[i], or
		// "stack S: resources…" for a value stack S sets itself. Each
		// stack is its own deployment of the function: counting its
		// layers with the defaults' would flag layers no deployment
		// attaches together.
		stack := ""
		if rest, ok := strings.CutPrefix(c, "stack "); ok {
			stack, c, _ = strings.Cut(rest, ": ")
		}
		if rest, ok := strings.CutPrefix(c, "resources."); ok {
			name, after, _ := strings.Cut(rest, ".")
			if !strings.HasPrefix(after, "properties.layers") {
				return ""
			}
			if stack != "" {
				return name + " (stack " + stack + ")"
			}
			return name
		}
	case ref.Serverless:
		if rest, ok := strings.CutPrefix(c, "functions."); ok {
			name, _, _ := strings.Cut(rest, ".")
			return name
		}
		if strings.HasPrefix(c, "provider.") {
			return "every function (provider)"
		}
	}
	return ""
}
