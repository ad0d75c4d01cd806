package bump

import (
	"strings"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// MaxLayers is how many layers AWS lets one function attach.
const MaxLayers = 5

// Stack is the layers one function attaches, in the order the file lists
// them (later layers override earlier ones in /opt).
type Stack struct {
	File     string   `json:"file"`
	Function string   `json:"function"`
	Layers   []string `json:"layers"`
	// UnzippedSize is what all its layers unzip to, when the contents of
	// every one of them could be read (the function's own code is not
	// counted: the files do not say it).
	UnzippedSize *int64 `json:"unzipped_size,omitempty"`
	// Shadowed are the packages and paths more than one of its layers
	// provide, when their contents could be read.
	Shadowed []Shadow `json:"shadowed,omitempty"`
	// at is the first reference, where a problem with the stack is said.
	at   ref.Pos
	refs []ref.Reference
}

// Stacks ties references to the functions that attach them, where the
// file says which function (a Terraform resource, a template resource, a
// Serverless function); layers shared through Globals or provider are not
// counted per function.
func Stacks(refs []ref.Reference) []Stack {
	var out []Stack
	index := map[[2]string]int{}
	for _, r := range refs {
		fn := functionOf(r)
		if fn == "" || strings.HasPrefix(fn, "every function") {
			continue
		}
		k := [2]string{r.File, fn}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Stack{File: r.File, Function: fn, at: r.Pos})
		}
		out[i].Layers = append(out[i].Layers, r.ARN)
		out[i].refs = append(out[i].refs, r)
	}
	return out
}

// StackProblems are the errors of stacks AWS would refuse: more than
// MaxLayers layers on one function.
func StackProblems(stacks []Stack) []problem.Problem {
	var out []problem.Problem
	for _, s := range stacks {
		if len(s.Layers) > MaxLayers {
			out = append(out, problem.Newf(problem.Stack, s.at.File, s.at.Line, s.at.Column,
				"%s attaches %d layers; AWS allows at most %d per function: its deployments fail", s.Function, len(s.Layers), MaxLayers))
		}
	}
	return out
}
