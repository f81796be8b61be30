package pii

import (
	"math/rand/v2"
	"testing"
)

// The scanning path's shortcuts must give what the plain code gives.

func TestNumberShapeLanes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const alphabet = "0123456789.-/:+() x"
	for range 20000 {
		n := r.IntN(60)
		if r.IntN(50) == 0 {
			n = 1000 + r.IntN(100) // around the lanes' limit
		}
		w := make([]byte, n)
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		if got, want := numberShape(w), numberShapeSlow(w); got != want {
			t.Fatalf("numberShape(%q) = %+v, want %+v", w, got, want)
		}
	}
}

// TestHexSecretShortcut: alnum rates a hex token (letters and digits)
// without calling genericSecret; the rating must be genericSecret's.
func TestHexSecretShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{20, 32, 40, 64, 128, 256, 257, 300} {
		w := make([]byte, n)
		for i := range w {
			w[i] = "0123456789abcdefABCDEF"[r.IntN(22)]
		}
		w[0], w[1] = '1', 'a' // letters and digits both
		sc := newScanner(nil)
		var got float32
		for _, c := range sc.scan(w) {
			if c.k == kSecret {
				got = c.s
			}
		}
		if want := genericSecret(w); got != want {
			t.Errorf("hex token of %d bytes rated %v, genericSecret says %v", n, got, want)
		}
	}
}

// TestTokenizeBlocks: the tokenizer's eight-bytes-at-a-time loop gives
// the tokens of a byte-by-byte split.
func TestTokenizeBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const alphabet = "aZ09.-@:/ \t\"(),é"
	sc := newScanner(nil)
	for range 20000 {
		w := make([]byte, r.IntN(90))
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		sc.text = w
		sc.tokenize()
		var want []token
		for i := 0; i < len(w); {
			for i < len(w) && isSpace(w[i]) {
				i++
			}
			if i == len(w) {
				break
			}
			j := i
			for j < len(w) && !isSpace(w[j]) {
				j++
			}
			cs, ce := unwrap(w, i, j)
			m, all := maskOf(w[cs:ce])
			want = append(want, token{start: int32(i), end: int32(j), cs: int32(cs), ce: int32(ce), mask: m, all: all})
			i = j
		}
		if len(sc.toks) != len(want) {
			t.Fatalf("%q: %d tokens, want %d", w, len(sc.toks), len(want))
		}
		for k := range want {
			if sc.toks[k] != want[k] {
				t.Fatalf("%q: token %d = %+v, want %+v", w, k, sc.toks[k], want[k])
			}
		}
	}
}
