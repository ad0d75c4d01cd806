// Package terraform finds pinned layer versions in Terraform and Terragrunt
// files (HCL native syntax and HCL JSON), following version indirection
// through variables and locals of the same module.
package terraform

import "github.com/bumpbot/bumpbot/internal/rewrite/ref"

// ScanModule scans the HCL files of one directory (one Terraform module).
// A file that does not parse yields a Warning with Unparsed set.
func ScanModule(files []ref.File) ([]ref.Reference, []ref.Warning) {
	return nil, nil
}
