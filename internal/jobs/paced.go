package jobs

import (
	"errors"
	"time"
)

// pacedError is what a write gate returns when an installation may not
// write again before the request's deadline (ghstore.WaitError): waiting
// would only end in the job's timeout.
type pacedError interface {
	error
	WriteAt() time.Time
}

// pacedUntil reports whether err, or an error it wraps, says the
// reconcile stopped for its installation's write pacing, and until when.
func pacedUntil(err error) (time.Time, bool) {
	var p pacedError
	if errors.As(err, &p) {
		return p.WriteAt(), true
	}
	return time.Time{}, false
}
