//go:build race

package tabular

// raceEnabled skips allocation counts, which the race detector inflates.
const raceEnabled = true
