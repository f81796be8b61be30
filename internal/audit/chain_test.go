package audit

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func chainOf(t *testing.T, c *Chain, n int) []Record {
	t.Helper()
	var recs []Record
	var prev []byte
	for i := 0; i < n; i++ {
		r := Record{Time: time.Unix(1_800_000_000, int64(i)).UTC(), Actor: "os:test", Action: "put",
			Dataset: fmt.Sprintf("ds%d", i%3), Version: int64(i), Decision: "ok", Detail: map[string]string{"size": fmt.Sprint(i)}}
		c.Link(int64(i), prev, &r)
		prev = r.Hash
		recs = append(recs, r)
	}
	return recs
}

func verify(c *Chain, recs []Record) error {
	v := c.NewVerifier()
	for _, r := range recs {
		if err := v.Next(r); err != nil {
			return err
		}
	}
	return nil
}

func TestChainDetectsTampering(t *testing.T) {
	c := NewChain([]byte("0123456789abcdef0123456789abcdef"))
	good := chainOf(t, c, 10)
	if err := verify(c, good); err != nil {
		t.Fatalf("verify(intact chain) = %v", err)
	}
	clone := func() []Record { return append([]Record(nil), good...) }
	forged := Record{Time: time.Unix(1_800_000_000, 0), Actor: "mallory", Action: "get"}
	NewChain([]byte("another key, another key, 32 by")).Link(4, good[3].Hash, &forged)
	cases := []struct {
		name    string
		recs    func() []Record
		wantSeq int64
	}{
		{"modify actor", func() []Record { r := clone(); r[5].Actor = "mallory"; return r }, 6},
		{"modify detail", func() []Record {
			r := clone()
			r[2].Detail = map[string]string{"size": "999"}
			return r
		}, 3},
		{"modify time", func() []Record { r := clone(); r[7].Time = r[7].Time.Add(time.Nanosecond); return r }, 8},
		{"delete middle", func() []Record { r := clone(); return append(r[:4], r[5:]...) }, 5},
		{"delete first", func() []Record { return clone()[1:] }, 1},
		{"insert forged", func() []Record {
			r := clone()
			return append(r[:4], append([]Record{forged}, r[4:]...)...)
		}, 5},
		{"replace with forged", func() []Record { r := clone(); r[4] = forged; return r }, 5},
		{"swap two", func() []Record { r := clone(); r[3], r[4] = r[4], r[3]; return r }, 4},
		{"swap contents, keep seq", func() []Record {
			r := clone()
			r[3], r[4] = r[4], r[3]
			r[3].Seq, r[4].Seq = 4, 5
			return r
		}, 4},
	}
	for _, tc := range cases {
		err := verify(c, tc.recs())
		var br *Break
		if !errors.As(err, &br) || br.Seq != tc.wantSeq {
			t.Errorf("%s: verify = %v; want a break at record %d", tc.name, err, tc.wantSeq)
		}
	}
}

func TestWrongKeyFails(t *testing.T) {
	recs := chainOf(t, NewChain([]byte("0123456789abcdef0123456789abcdef")), 3)
	if err := verify(NewChain([]byte("fedcba9876543210fedcba9876543210")), recs); err == nil {
		t.Fatal("a chain verified under another key")
	}
}

func TestEmptyPrevEqualsNil(t *testing.T) {
	c := NewChain([]byte("0123456789abcdef0123456789abcdef"))
	recs := chainOf(t, c, 2)
	recs[0].Prev = []byte{} // as a store may return NULL
	if err := verify(c, recs); err != nil {
		t.Fatalf("verify with empty Prev = %v", err)
	}
}
