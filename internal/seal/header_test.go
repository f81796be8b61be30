package seal

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestMagicLength(t *testing.T) {
	if len(magic) != algOffset {
		t.Fatalf("len(magic) = %d, but the header layout puts the algorithm at %d", len(magic), algOffset)
	}
	if HeaderSize != macOffset+macSize {
		t.Fatalf("HeaderSize = %d, but the layout ends at %d", HeaderSize, macOffset+macSize)
	}
}

func TestContextCanonical(t *testing.T) {
	got := Context{"version": "3", "dataset": "x"}.Canonical()
	want, _ := hex.DecodeString("00000002" +
		"00000007" + hex.EncodeToString([]byte("dataset")) + "00000001" + "78" +
		"00000007" + hex.EncodeToString([]byte("version")) + "00000001" + "33")
	if !bytes.Equal(got, want) {
		t.Errorf("Canonical = %x, want %x", got, want)
	}
	if got := Context(nil).Canonical(); !bytes.Equal(got, []byte{0, 0, 0, 0}) {
		t.Errorf("nil Context: Canonical = %x, want 00000000", got)
	}
	// Entries that would run together without lengths must differ.
	distinct := []Context{
		nil,
		{"": ""},
		{"a": "bc"},
		{"ab": "c"},
		{"a": "b", "c": ""},
		{"a": "b\x00\x00\x00\x01c"},
	}
	seen := map[[32]byte]int{}
	for i, c := range distinct {
		d := c.Digest()
		if j, ok := seen[d]; ok {
			t.Errorf("contexts %v and %v have the same digest", distinct[j], c)
		}
		seen[d] = i
	}
}

func TestParseHeader(t *testing.T) {
	obj := sealBytes(t, newDEK(1), testContext, []byte("x"), nil)
	hdr := obj[:HeaderSize]
	h, err := ParseHeader(hdr)
	if err != nil {
		t.Fatal(err)
	}
	if h.Algorithm != 1 || h.ChunkSize != DefaultChunkSize || h.ContextDigest != testContext.Digest() {
		t.Errorf("ParseHeader = %+v; want algorithm 1, chunk size %d and the test context's digest", h, DefaultChunkSize)
	}
	b, err := h.MarshalBinary()
	if err != nil || !bytes.Equal(b, hdr) {
		t.Errorf("MarshalBinary = %x, %v; want %x", b, err, hdr)
	}

	for name, mutate := range map[string]func([]byte) []byte{
		"short":           func(b []byte) []byte { return b[:HeaderSize-1] },
		"long":            func(b []byte) []byte { return append(b, 0) },
		"magic":           func(b []byte) []byte { b[13] = '2'; return b },
		"algorithm":       func(b []byte) []byte { b[algOffset] = 2; return b },
		"chunk too big":   func(b []byte) []byte { b[chunkOffset] = 1; return b },
		"chunk too small": func(b []byte) []byte { copy(b[chunkOffset:], []byte{0, 0, 3, 0xff}); return b },
	} {
		if _, err := ParseHeader(mutate(bytes.Clone(hdr))); failureOf(err) != "header failure" {
			t.Errorf("%s: err = %v, want a header failure", name, err)
		}
	}
	if _, err := (&Header{Algorithm: 1, ChunkSize: 10}).MarshalBinary(); err == nil {
		t.Error("MarshalBinary accepted a 10-byte chunk size")
	}
}
