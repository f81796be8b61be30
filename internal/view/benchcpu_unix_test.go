//go:build unix

package view

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used. On a shared machine it is
// steadier than wall time, which also counts the time spent waiting for a
// core; with GOMAXPROCS=1 it is the benchmark's own work (GC included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
