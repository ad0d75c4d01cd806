package bump

import (
	"errors"
	"net"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// kindOf classifies an error met while planning a reference.
func kindOf(err error) problem.Kind {
	var netErr net.Error
	switch {
	case errors.Is(err, layers.ErrAccessDenied):
		return problem.AccessDenied
	case errors.Is(err, layers.ErrThrottled):
		return problem.Throttled
	case errors.Is(err, layers.ErrNoCredentials):
		return problem.Credentials
	case errors.Is(err, layers.ErrIncompatible):
		return problem.Incompatible
	case errors.Is(err, errDeletedPin):
		return problem.DeletedPin
	case errors.Is(err, errPlaceholder):
		return problem.Placeholder
	case errors.Is(err, layers.ErrNotFound):
		return problem.NotFound
	case errors.As(err, &netErr):
		return problem.Network
	}
	return problem.Other
}

// Errors the planner classifies its own problems by.
var (
	errDeletedPin  = errors.New("deleted pin")
	errPlaceholder = errors.New("placeholder")
)

// refProblem locates err at a reference.
func refProblem(r ref.Reference, err error) problem.Problem {
	return problem.New(kindOf(err), r.File, r.Line, r.Column, err)
}

// note locates a remark at pos.
func note(k problem.Kind, pos ref.Pos, format string, args ...any) problem.Problem {
	return problem.Newf(k, pos.File, pos.Line, pos.Column, format, args...)
}

// isError tells which of the scanner's problems stop a bump of their file
// (errors) from remarks (notes): a file that does not parse, and a file
// named on its own that could not be read at all.
func isError(p problem.Problem, named bool) bool {
	switch p.Kind {
	case problem.Parse:
		return true
	case problem.Read, problem.TooLarge:
		return named
	}
	return false
}
