package seal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

const tcs = MinChunkSize // chunk size of the tampered objects

// tamperObjects seals two small four-chunk objects: one whose last chunk is
// short and one whose last chunk is full, which is the case where a cut at a
// chunk boundary or appended data needs the last-chunk flag to be seen.
func tamperObjects(t *testing.T, dek []byte) map[string][]byte {
	rng := rand.New(rand.NewPCG(7, 8))
	return map[string][]byte{
		"short last": sealBytes(t, dek, testContext, plaintext(rng, 3*tcs+100), &Options{ChunkSize: tcs}),
		"full last":  sealBytes(t, dek, testContext, plaintext(rng, 4*tcs), &Options{ChunkSize: tcs}),
	}
}

// chunkAt returns the offset of chunk i in an object.
func chunkAt(i int) int { return HeaderSize + i*(tcs+tagSize) }

// openBoth opens obj with both readers and checks that both fail with an
// integrity error, and that the Reader's WriteTo fails exactly as its Read
// does; it returns the streaming Reader's error and the ReaderAt's.
func openBoth(t *testing.T, what string, dek []byte, c Context, obj []byte) (stream, at error) {
	t.Helper()
	pt, stream := openStream(dek, c, obj)
	wantIntegrity(t, what+" (Reader)", stream)
	sameAsStream(t, what, dek, c, obj, pt, stream)
	_, at = openAt(dek, c, obj)
	wantIntegrity(t, what+" (ReaderAt)", at)
	return stream, at
}

func TestFlipEveryByte(t *testing.T) {
	dek := newDEK(9)
	for name, obj := range tamperObjects(t, dek) {
		for i := range obj {
			mod := bytes.Clone(obj)
			mod[i] ^= 1 << (i % 8)
			what := fmt.Sprintf("%s, byte %d flipped", name, i)
			openBoth(t, what, dek, testContext, mod)
			if i < HeaderSize {
				// A changed header fails before any plaintext is released.
				_, err := NewReader(bytes.NewReader(mod), dek, testContext)
				wantIntegrity(t, what+" (NewReader)", err)
			}
		}
	}
}

func TestTruncateEverywhere(t *testing.T) {
	dek := newDEK(10)
	for name, obj := range tamperObjects(t, dek) {
		for n := range len(obj) {
			stream, at := openBoth(t, fmt.Sprintf("%s cut to %d bytes", name, n), dek, testContext, obj[:n])
			want := ""
			switch k := n - HeaderSize; {
			case k == 0:
				want = "seal: truncated after header"
			case k > 0 && k%(tcs+tagSize) == 0:
				want = fmt.Sprintf("seal: truncated after chunk %d", k/(tcs+tagSize)-1)
			case k > 0 && k%(tcs+tagSize) < tagSize:
				want = fmt.Sprintf("seal: truncated inside chunk %d", k/(tcs+tagSize))
			}
			if want != "" && (stream.Error() != want || at.Error() != want) {
				t.Errorf("%s cut to %d bytes: errors %q and %q, want %q", name, n, stream, at, want)
			}
		}
	}
}

func TestAppend(t *testing.T) {
	dek := newDEK(11)
	for name, obj := range tamperObjects(t, dek) {
		for _, k := range []int{1, 15, 16, 17, tcs + tagSize, tcs + tagSize + 1, 3 * tcs} {
			mod := append(bytes.Clone(obj), make([]byte, k)...)
			stream, at := openBoth(t, fmt.Sprintf("%s, %d bytes appended", name, k), dek, testContext, mod)
			if name == "full last" && k <= tcs+tagSize {
				want := "seal: trailing data after last chunk 3"
				if stream.Error() != want || at.Error() != want {
					t.Errorf("%s, %d bytes appended: errors %q and %q, want %q", name, k, stream, at, want)
				}
			}
		}
	}
}

func TestRearrangeChunks(t *testing.T) {
	dek := newDEK(12)
	for name, obj := range tamperObjects(t, dek) {
		chunks := [][]byte{}
		for i := 0; chunkAt(i) < len(obj); i++ {
			chunks = append(chunks, obj[chunkAt(i):min(chunkAt(i+1), len(obj))])
		}
		build := func(order ...int) []byte {
			b := bytes.Clone(obj[:HeaderSize])
			for _, i := range order {
				b = append(b, chunks[i]...)
			}
			return b
		}
		for what, mod := range map[string][]byte{
			"swap 0 and 1":    build(1, 0, 2, 3),
			"swap 2 and last": build(0, 1, 3, 2),
			"duplicate 1":     build(0, 1, 1, 2, 3),
			"drop 1":          build(0, 2, 3),
			"drop last":       build(0, 1, 2),
			"last twice":      build(0, 1, 2, 3, 3),
			"reverse":         build(3, 2, 1, 0),
			"only the last":   build(3),
			"first then last": build(0, 3),
		} {
			if bytes.Equal(mod, obj) {
				t.Fatalf("%s, %s: rearranged object equals the original", name, what)
			}
			openBoth(t, name+", "+what, dek, testContext, mod)
		}
	}
}

func TestWrongKeyOrContext(t *testing.T) {
	dek := newDEK(13)
	pt := []byte("rows of a dataset")
	objA := sealBytes(t, dek, testContext, pt, nil)
	objB := sealBytes(t, dek, otherContext, pt, nil)
	objC := sealBytes(t, newDEK(14), otherContext, pt, nil) // its own key, as in coffer

	for _, tc := range []struct {
		what string
		dek  []byte
		c    Context
		obj  []byte
		want string
	}{
		{"wrong key", newDEK(99), testContext, objA, "header failure"},
		{"wrong context", dek, otherContext, objA, "wrong context"},
		{"other version's object, same key", dek, testContext, objB, "wrong context"},
		{"other version's object, own key", dek, testContext, objC, "wrong context"},
		{"other version's object and key", newDEK(14), testContext, objC, "wrong context"},
		{"header of A, payload of B", dek, testContext, slices.Concat(objA[:HeaderSize], objB[HeaderSize:]), "chunk failure"},
		{"header of B relabelled for A", dek, testContext, relabel(objB, testContext), "header failure"},
	} {
		stream, at := openBoth(t, tc.what, tc.dek, tc.c, tc.obj)
		if failureOf(stream) != tc.want || failureOf(at) != tc.want {
			t.Errorf("%s: errors %q and %q, want %s", tc.what, stream, at, tc.want)
		}
	}
}

// relabel returns obj with the context digest in its header replaced by c's.
func relabel(obj []byte, c Context) []byte {
	obj = bytes.Clone(obj)
	d := c.Digest()
	copy(obj[digestOffset:], d[:])
	return obj
}
