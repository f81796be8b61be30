package seal

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
)

// vectorDEK is the data key of every vector but "wrong key".
var vectorDEK = func() []byte {
	k := make([]byte, DEKSize)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}()

// vgen builds the vectors; objects are kept as bytes until the end.
type vgen struct {
	t   *testing.T
	out []vector
	obj map[string][]byte // success vectors' objects by name
}

func generateVectors(t *testing.T) []vector {
	g := &vgen{t: t, obj: map[string][]byte{}}
	g.successes()
	g.headerFailures()
	g.payloadFailures()
	return g.out
}

func (g *vgen) successes() {
	lines := func(n int) []byte {
		var b bytes.Buffer
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "row %04d: coffer.seal/v1 test vector plaintext\n", i)
		}
		return b.Bytes()[:n]
	}
	g.success("golden", "three chunks, the last one short; pins the format byte for byte", testContext, tcs, lines(2*tcs+500))
	g.success("full last chunk", "two full chunks: the last chunk is full and flagged last", testContext, tcs, lines(2*tcs))
	g.success("empty", "an empty plaintext is one empty last chunk: the tag alone", testContext, tcs, nil)
	g.success("one byte", "", testContext, tcs, []byte("x"))
	g.success("empty context", "the empty Context encodes as 00000000", Context{}, tcs, []byte("no context"))
	g.success("chunk size 4096", "", testContext, 4096, lines(5000))
}

func (g *vgen) success(name, comment string, c Context, cs int, pt []byte) {
	salt, prefix := vectorRandom(name)
	v := vector{
		Name: name, Expect: "success", Comment: comment,
		DEK: hex.EncodeToString(vectorDEK), Context: c, ChunkSize: cs,
		Salt: hex.EncodeToString(salt), NoncePrefix: hex.EncodeToString(prefix),
		Plaintext: hex.EncodeToString(pt),
	}
	obj := sealVector(g.t, v, pt)
	v.Object = hex.EncodeToString(obj)
	g.obj[name] = obj
	g.out = append(g.out, v)
}

// fail adds a vector whose object is base's changed by edit, opened with
// dek and c; its error is what the streaming Reader says.
func (g *vgen) fail(name, expect, comment, base string, dek []byte, c Context, edit func([]byte) []byte) {
	obj := edit(bytes.Clone(g.obj[base]))
	_, err := openStream(dek, c, obj)
	if failureOf(err) != expect {
		g.t.Fatalf("vector %q: err = %v, want %s", name, err, expect)
	}
	g.out = append(g.out, vector{
		Name: name, Expect: expect, Error: err.Error(), Comment: comment,
		DEK: hex.EncodeToString(dek), Context: c, Object: hex.EncodeToString(obj),
	})
}

// flip returns an edit that flips the low bit of byte i (from the end if
// negative).
func flip(i int) func([]byte) []byte {
	return func(b []byte) []byte {
		if i < 0 {
			i += len(b)
		}
		b[i] ^= 1
		return b
	}
}

func cut(n int) func([]byte) []byte { return func(b []byte) []byte { return b[:n] } }

func (g *vgen) headerFailures() {
	const h = "header failure"
	d, c := vectorDEK, testContext
	g.fail("wrong key", h, "opened with another data key", "golden", newDEK(0x80), c, func(b []byte) []byte { return b })
	g.fail("salt changed", h, "", "golden", d, c, flip(saltOffset))
	g.fail("nonce prefix changed", h, "", "golden", d, c, flip(prefixOffset+6))
	g.fail("chunk size changed", h, "1024 -> 1025, still in bounds: only the MAC catches it", "golden", d, c, flip(chunkOffset+3))
	g.fail("MAC changed", h, "", "golden", d, c, flip(HeaderSize-1))
	g.fail("bad magic", h, "coffer.seal/v0", "golden", d, c, flip(13))
	g.fail("unknown algorithm", h, "", "golden", d, c, flip(algOffset))
	g.fail("chunk size out of bounds", h, "16 MiB + 1024: rejected before anything is allocated", "golden", d, c, flip(chunkOffset))
	g.fail("truncated header", h, "", "golden", d, c, cut(HeaderSize-1))
	g.fail("wrong context", "wrong context", "opened with version 4's Context", "golden", d, otherContext, func(b []byte) []byte { return b })
	g.fail("context digest changed", "wrong context", "", "golden", d, c, flip(digestOffset+31))
}

func (g *vgen) payloadFailures() {
	const ch = "chunk failure"
	d, c := vectorDEK, testContext
	full := tcs + tagSize
	g.fail("ciphertext changed", ch, "a bit of chunk 1 flipped", "golden", d, c, flip(HeaderSize+full+7))
	g.fail("tag changed", ch, "a bit of the last tag flipped", "golden", d, c, flip(-1))
	g.fail("chunks swapped", ch, "chunks 0 and 1 swapped", "golden", d, c, func(b []byte) []byte {
		c0, c1 := bytes.Clone(b[HeaderSize:][:full]), bytes.Clone(b[HeaderSize+full:][:full])
		return slices.Concat(b[:HeaderSize], c1, c0, b[HeaderSize+2*full:])
	})
	g.fail("payload of another object", ch, "header of \"full last chunk\", payload of \"golden\"", "golden", d, c, func(b []byte) []byte {
		return slices.Concat(g.obj["full last chunk"][:HeaderSize], b[HeaderSize:])
	})
	g.fail("cut inside last chunk", ch, "indistinguishable from a changed last chunk", "golden", d, c, func(b []byte) []byte { return b[:len(b)-10] })
	g.fail("byte after short last chunk", ch, "indistinguishable from a changed last chunk", "golden", d, c, func(b []byte) []byte { return append(b, 0) })
	g.fail("cut after chunk 0", "truncated", "chunk 0 is full and authenticates only as a middle chunk", "full last chunk", d, c, cut(HeaderSize+full))
	g.fail("cut after header", "truncated", "", "golden", d, c, cut(HeaderSize))
	g.fail("cut inside chunk 1", "truncated", "fewer bytes than a tag left", "golden", d, c, cut(HeaderSize+full+10))
	g.fail("byte after full last chunk", "trailing data", "", "full last chunk", d, c, func(b []byte) []byte { return append(b, 0) })
	g.fail("chunk after last chunk", "trailing data", "a copy of the last chunk appended", "full last chunk", d, c, func(b []byte) []byte {
		return append(b, b[len(b)-full:]...)
	})
}
