package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

const domain = "coffer.audit/v1"

// Chain computes and checks chain hashes under one audit key.
type Chain struct{ key []byte }

// NewChain returns a Chain keyed by key (32 bytes from the keyring).
func NewChain(key []byte) *Chain { return &Chain{key: key} }

// Link sets r.Seq, r.Prev and r.Hash so that r follows a record with
// sequence number prevSeq and hash prev (prevSeq 0 and nil prev for the
// first record).
func (c *Chain) Link(prevSeq int64, prev []byte, r *Record) {
	r.Seq = prevSeq + 1
	r.Prev = append([]byte(nil), prev...)
	r.Hash = c.sum(r)
}

func (c *Chain) sum(r *Record) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(domain))
	m.Write(r.Prev)
	m.Write(canonical(r))
	return m.Sum(nil)
}

// canonical is the record without its Hash, as JSON with a fixed field
// order (struct order; Detail map keys are sorted by encoding/json).
func canonical(r *Record) []byte {
	c := *r
	c.Hash = nil
	c.Time = c.Time.UTC()
	if len(c.Prev) == 0 {
		c.Prev = nil // a store may give back an empty slice for NULL
	}
	b, err := json.Marshal(&c)
	if err != nil {
		panic(fmt.Sprintf("audit: record cannot be encoded: %v", err)) // only strings, ints, time
	}
	return b
}

// Break describes the first record at which a chain fails to verify.
type Break struct {
	Seq    int64  // sequence number of the first bad record (or where one is missing)
	Reason string // what is wrong, in words
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit record %d: %s", b.Seq, b.Reason)
}

// Verifier checks records one at a time, in the order they are stored.
type Verifier struct {
	c    *Chain
	seq  int64
	prev []byte
	n    int64
}

// NewVerifier returns a Verifier for a chain under c starting at record 1.
func (c *Chain) NewVerifier() *Verifier { return &Verifier{c: c} }

// Next checks r, the next stored record. It returns a *Break for the first
// record that was modified, inserted, moved, or that follows a deleted one.
func (v *Verifier) Next(r Record) error {
	want := v.seq + 1
	switch {
	case r.Seq != want && r.Seq > want:
		return &Break{Seq: want, Reason: fmt.Sprintf("missing: the next stored record is %d (records deleted)", r.Seq)}
	case r.Seq != want:
		return &Break{Seq: r.Seq, Reason: fmt.Sprintf("out of order: expected record %d (records inserted or reordered)", want)}
	case !hmac.Equal(r.Prev, v.prev):
		return &Break{Seq: r.Seq, Reason: "does not link to the record before it (records deleted, inserted or reordered)"}
	case !hmac.Equal(r.Hash, v.c.sum(&r)):
		return &Break{Seq: r.Seq, Reason: "contents do not match its hash (record modified)"}
	}
	v.seq, v.prev, v.n = r.Seq, r.Hash, v.n+1
	return nil
}

// Count is the number of records verified so far; Head the last one's hash.
func (v *Verifier) Count() int64 { return v.n }

// Head returns the sequence number and hash of the last verified record.
func (v *Verifier) Head() (int64, []byte) { return v.seq, v.prev }
