package seal

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// vectorSeeds returns the objects of testdata/vectors.json; it fails when
// there are none, so that a fuzz target never runs unseeded.
func vectorSeeds(f *testing.F) []vector {
	vs := loadVectors(f).Vectors
	if len(vs) == 0 {
		f.Fatal("no seeds: testdata/vectors.json has no vectors")
	}
	return vs
}

// FuzzParseHeader checks that a header that parses marshals back to the
// same bytes, and that a header that does not is an integrity error.
func FuzzParseHeader(f *testing.F) {
	for _, v := range vectorSeeds(f) {
		obj := unhex(f, v.Object)
		f.Add(obj[:min(len(obj), HeaderSize)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if err != nil {
			if h != nil || failureOf(err) != "header failure" {
				t.Fatalf("ParseHeader = %v, %v; want nil and a header failure", h, err)
			}
			return
		}
		got, err := h.MarshalBinary()
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("ParseHeader(%x) then MarshalBinary = %x, %v", b, got, err)
		}
	})
}

// FuzzReader opens arbitrary bytes, seeded with the vectors' objects, with
// the vectors' key under each of their Contexts. Since no two vectors share
// a payload key, the only objects that may open are the success vectors'
// own, byte for byte, and they must give their plaintext. Any other input
// must fail with ErrIntegrity, and whatever plaintext the streaming Reader
// released before failing must be a prefix of the plaintext of the vector
// whose header the input carries. WriteTo must give what Read gives and
// fail as Read fails.
func FuzzReader(f *testing.F) {
	var genuine []sealed
	contexts := map[string]Context{}
	for _, v := range vectorSeeds(f) {
		obj := unhex(f, v.Object)
		f.Add(obj)
		if v.Expect == "success" {
			genuine = append(genuine, sealed{v.Context, obj, unhex(f, v.Plaintext)})
			contexts[string(v.Context.Canonical())] = v.Context
		}
	}
	f.Fuzz(func(t *testing.T, obj []byte) {
		for _, c := range contexts {
			checkFuzzedObject(t, genuine, c, obj)
		}
	})
}

// sealed is a success vector: an object, its Context and its plaintext.
type sealed struct {
	c       Context
	obj, pt []byte
}

func checkFuzzedObject(t *testing.T, genuine []sealed, c Context, obj []byte) {
	var want []byte // the plaintext of the object whose header obj carries
	isGenuine := false
	for _, g := range genuine {
		if len(obj) >= HeaderSize && bytes.Equal(g.obj[:HeaderSize], obj[:HeaderSize]) {
			want = g.pt
			isGenuine = bytes.Equal(g.obj, obj) && bytes.Equal(g.c.Canonical(), c.Canonical())
		}
	}
	r, err := NewReader(bytes.NewReader(obj), vectorDEK, c)
	var got []byte
	if err == nil {
		got, err = io.ReadAll(r)
	}
	checkOpened(t, "Reader", isGenuine, want, got, err)
	if err != nil && !bytes.HasPrefix(want, got) {
		t.Fatalf("Reader released %d bytes that are not a prefix of the plaintext before failing: %v", len(got), err)
	}
	sameAsStream(t, "fuzzed object", vectorDEK, c, obj, got, err)
	got, err = openAt(vectorDEK, c, obj)
	checkOpened(t, "ReaderAt", isGenuine, want, got, err)
}

func checkOpened(t *testing.T, name string, isGenuine bool, want, got []byte, err error) {
	t.Helper()
	switch {
	case err != nil && !errors.Is(err, ErrIntegrity):
		t.Fatalf("%s: err = %v, want ErrIntegrity", name, err)
	case err == nil && !isGenuine:
		t.Fatalf("%s opened an object that no vector sealed: %x", name, got)
	case err == nil && !bytes.Equal(got, want):
		t.Fatalf("%s: plaintext %x, want %x", name, got, want)
	case err != nil && isGenuine:
		t.Fatalf("%s failed on a genuine object: %v", name, err)
	}
}

// FuzzWriter seals plaintext fed in pieces whose sizes and ways (Write,
// or ReadFrom with short reads) the fuzzer picks, and checks that the
// object is the one Writes of one byte at a time give, byte for byte.
func FuzzWriter(f *testing.F) {
	f.Add(bytes.Repeat([]byte("coffer"), 700), []byte{0, 4, 255, 17, 3, 200})
	f.Add(make([]byte, 2*MinChunkSize), []byte{4, 4, 4, 4, 132, 4, 4, 4})
	f.Add([]byte{}, []byte{})
	f.Fuzz(fuzzWriterBody)
}

func fuzzWriterBody(t *testing.T, pt, plan []byte) {
	{
		const cs = MinChunkSize
		want := sealVia(t, cs, byteByByte(pt))
		got := sealVia(t, cs, func(w io.Writer) error {
			rest := pt
			for i := 0; len(rest) > 0; i++ {
				// Each plan byte: low 7 bits pick a size (in units of
				// cs/32, so pieces span several chunks), the top bit
				// picks ReadFrom over Write. Past the plan, the rest.
				k := len(rest)
				viaReadFrom := false
				if i < len(plan) {
					k = min(k, int(plan[i]&0x7f)*cs/32+int(plan[i]&3))
					viaReadFrom = plan[i]&0x80 != 0
				}
				var err error
				if viaReadFrom {
					src := &shortReads{bytes.NewReader(rest[:k]), rand.New(rand.NewPCG(uint64(i), uint64(k))), cs + 1}
					_, err = w.(io.ReaderFrom).ReadFrom(src)
				} else {
					_, err = w.Write(rest[:k])
				}
				if err != nil {
					return err
				}
				rest = rest[k:]
			}
			return nil
		})
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes fed as %x: the object differs from the byte-by-byte one", len(pt), plan)
		}
	}
}
