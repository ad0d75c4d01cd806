package jobs

import "errors"

// finalError marks a reconcile error that another attempt cannot fix.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }
func (e finalError) Unwrap() error { return e.err }

// Final marks err as final: the worker cancels the job instead of
// retrying it (an uninstalled app's repository would otherwise be tried
// twelve times over days). Final(nil) is nil.
func Final(err error) error {
	if err == nil {
		return nil
	}
	return finalError{err}
}

// isFinal reports whether err, or an error it wraps, was marked Final.
func isFinal(err error) bool {
	var f finalError
	return errors.As(err, &f)
}
