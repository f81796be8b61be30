package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// testAtomicCommit makes the audit insert fail inside CommitVersion's
// transaction (BlockAudit), after the dataset row was created or updated
// and the version row inserted: none of that may remain visible, and the
// next commit must get the number the failed one would have had.
func testAtomicCommit(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	Commit(t, s, "a", 0)
	if err := db.Exec(t, db.BlockAudit...); err != nil {
		t.Fatalf("BlockAudit: %v", err)
	}
	for _, name := range []string{"a", "new"} {
		v := NewVersion(name, 1)
		rec := PutRecord(v)
		err := s.CommitVersion(ctx, v, rec)
		if err == nil {
			t.Fatalf("CommitVersion(%s) succeeded while audit inserts fail", name)
		}
		noDEK(t, err)
		if v.Number != 0 || rec.Seq != 0 || rec.Version != 0 {
			t.Errorf("failed CommitVersion(%s) changed its arguments: Number %d, Seq %d, Version %d", name, v.Number, rec.Seq, rec.Version)
		}
		if _, err := s.VersionByID(ctx, v.ID); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("version of a failed commit to %s: VersionByID = %v, want not found", name, err)
		}
	}
	if err := s.AppendAudit(ctx, &audit.Record{Time: t0, Actor: "a", Action: "b"}); err == nil {
		t.Error("AppendAudit succeeded while audit inserts fail")
	}
	if vs, err := s.Versions(ctx, "a"); err != nil || len(vs) != 1 {
		t.Errorf("Versions(a) after failed commits = %d, %v; want 1", len(vs), err)
	}
	if _, err := s.Version(ctx, "new", 0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Version(new, 0) after a failed first commit = %v, want not found", err)
	}
	if ds, err := s.Datasets(ctx); err != nil || len(ds) != 1 {
		t.Errorf("Datasets() after failed commits = %d, %v; want only a", len(ds), err)
	}
	if err := db.Exec(t, db.UnblockAudit...); err != nil {
		t.Fatalf("UnblockAudit: %v", err)
	}
	if v, _ := Commit(t, s, "a", 2); v.Number != 2 {
		t.Errorf("commit after the failed ones got a@%d, want a@2 (no gap)", v.Number)
	}
	if v, _ := Commit(t, s, "new", 3); v.Number != 1 {
		t.Errorf("first commit of new got new@%d, want new@1", v.Number)
	}
	mustVerify(t, s, 3)
}

// testCanceled checks that a canceled context stops a commit before it
// writes anything. (Where exactly a cancellation lands inside a
// transaction is up to timing; testAtomicCommit covers a failure at the
// last statement.)
func testCanceled(t *testing.T, db DB) {
	s := db.Open(t, Chain)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := NewVersion("a", 0)
	if err := s.CommitVersion(ctx, v, PutRecord(v)); !errors.Is(err, context.Canceled) {
		t.Errorf("CommitVersion(canceled) = %v, want context.Canceled", err)
	}
	if err := s.AppendAudit(ctx, &audit.Record{Time: t0, Actor: "a", Action: "b"}); !errors.Is(err, context.Canceled) {
		t.Errorf("AppendAudit(canceled) = %v, want context.Canceled", err)
	}
	if _, err := s.Version(context.Background(), "a", 0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Version(a, 0) after a canceled commit = %v, want not found", err)
	}
	mustVerify(t, s, 0)
}

// testConcurrent opens writers Stores at once on a fresh database; each
// commits commits versions of one shared dataset and of one of its own,
// and appends as many audit records.
const (
	writers = 8
	commits = 5
)

func testConcurrent(t *testing.T, db DB) {
	ctx := context.Background()
	var (
		mu      sync.Mutex
		results []committed
		wg      sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			s := db.Open(t, Chain) // several opens at once also race the migrations
			for i := range commits {
				v := NewVersion("shared", w*commits+i)
				rec := PutRecord(v)
				if err := s.CommitVersion(ctx, v, rec); err != nil {
					t.Errorf("writer %d: CommitVersion: %v", w, err)
					return
				}
				mu.Lock()
				results = append(results, committed{v.Number, v.ID, rec.Seq})
				mu.Unlock()
				own := NewVersion(fmt.Sprintf("own-%d", w), i)
				if err := s.CommitVersion(ctx, own, PutRecord(own)); err != nil || own.Number != int64(i+1) {
					t.Errorf("writer %d: CommitVersion(own) = %d, %v; want %d", w, own.Number, err, i+1)
				}
				if err := s.AppendAudit(ctx, &audit.Record{Time: t0, Actor: "bob", Action: "get", Dataset: "shared"}); err != nil {
					t.Errorf("writer %d: AppendAudit: %v", w, err)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	checkConcurrent(t, db.Open(t, Chain), results)
}

// committed is what one CommitVersion of testConcurrent returned.
type committed struct {
	number int64
	id     string
	seq    int64
}

func checkConcurrent(t *testing.T, s catalog.Store, results []committed) {
	const n = writers * commits
	byNumber := map[int64]string{}
	seqs := map[int64]bool{}
	for _, r := range results {
		if prev, dup := byNumber[r.number]; dup {
			t.Errorf("number %d given to two versions (%s and %s)", r.number, prev, r.id)
		}
		byNumber[r.number], seqs[r.seq] = r.id, true
	}
	vs, err := s.Versions(context.Background(), "shared")
	if err != nil || len(vs) != n || len(seqs) != n {
		t.Fatalf("Versions(shared) = %d, %v; %d distinct audit seqs; want %d of each", len(vs), err, len(seqs), n)
	}
	var numbers []int64
	for i, v := range vs {
		numbers = append(numbers, v.Number)
		if v.Number != int64(i+1) || byNumber[v.Number] != v.ID {
			t.Errorf("Versions(shared)[%d] = number %d id %s; want number %d id %s", i, v.Number, v.ID, i+1, byNumber[int64(i+1)])
		}
	}
	if !slices.IsSorted(numbers) {
		t.Errorf("Versions(shared) not oldest first: %v", numbers)
	}
	// Every put record names the number its version got.
	for _, r := range records(t, s, 0) {
		if r.Action == "put" && r.Dataset == "shared" && byNumber[r.Version] != r.Detail["version_id"] {
			t.Errorf("audit record %d: put of shared@%d names version %s, want %s", r.Seq, r.Version, r.Detail["version_id"], byNumber[r.Version])
		}
	}
	mustVerify(t, s, 3*n)
}
