package catalogtest

import (
	"context"
	"testing"
)

// BenchmarkCommitVersion measures CommitVersion with its audit record:
// b.N versions of one dataset, one Store.
func BenchmarkCommitVersion(b *testing.B, db DB) {
	ctx := context.Background()
	s := db.Open(b, Chain)
	i := 0
	for b.Loop() {
		b.StopTimer()
		v := NewVersion("bench", i)
		rec := PutRecord(v)
		b.StartTimer()
		if err := s.CommitVersion(ctx, v, rec); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCommitVersionParallel is BenchmarkCommitVersion with commits
// from GOMAXPROCS goroutines at once, each through its own Store.
func BenchmarkCommitVersionParallel(b *testing.B, db DB) {
	ctx := context.Background()
	db.Open(b, Chain).Close() // migrate once, outside the timing
	b.RunParallel(func(pb *testing.PB) {
		s := db.Open(b, Chain)
		i := 0
		for pb.Next() {
			v := NewVersion("bench", i)
			if err := s.CommitVersion(ctx, v, PutRecord(v)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
