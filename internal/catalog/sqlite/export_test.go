package sqlite

import "time"

// SetBusyTimeout sets the busy timeout of Stores opened from now on and
// returns a function that restores it.
func SetBusyTimeout(d time.Duration) (restore func()) {
	old := busyTimeout
	busyTimeout = d
	return func() { busyTimeout = old }
}
