//go:build !unix

package jobs

import (
	"errors"
	"os"
)

// tryLock has no flock to take here: no claim is ever granted, so a dead
// process's jobs wait for River's rescue delay.
func tryLock(*os.File) error {
	return errors.New("no file lock on this system")
}
