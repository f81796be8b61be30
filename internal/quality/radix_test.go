package quality

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortRowHashes: the radix sort gives what the comparison sort gives,
// on uniform hashes, on many duplicates, on hashes sharing their top
// bytes or all of hi, and on every small size.
func TestSortRowHashes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gens := map[string]func() rowHash{
		"uniform":    func() rowHash { return rowHash{r.Uint64(), r.Uint64()} },
		"duplicates": func() rowHash { n := r.Uint64N(50); return rowHash{n * 0x9e3779b97f4a7c15, n} },
		"shared top": func() rowHash { return rowHash{0xabcdef0000000000 | r.Uint64N(1<<20), r.Uint64()} },
		"same hi":    func() rowHash { return rowHash{7, r.Uint64N(1000)} },
		"few bits":   func() rowHash { return rowHash{r.Uint64N(4) << 60, r.Uint64N(3)} },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, 63, 64, 65, 300, 5000, 100000} {
			a := make([]rowHash, n)
			for i := range a {
				a[i] = gen()
			}
			want := slices.Clone(a)
			slices.SortFunc(want, cmpRowHash)
			sortRowHashes(a)
			if !slices.Equal(a, want) {
				t.Fatalf("%s, %d hashes: radix sort differs from the comparison sort", name, n)
			}
		}
	}
}

// BenchmarkSortRowHashes: the duplicate counter's sort of a put's 1.45 M
// row hashes, radix against comparison.
func BenchmarkSortRowHashes(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	src := make([]rowHash, 1450000)
	for i := range src {
		src[i] = rowHash{r.Uint64(), r.Uint64()}
	}
	a := make([]rowHash, len(src))
	for _, radix := range []bool{true, false} {
		name := "comparison"
		if radix {
			name = "radix"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				copy(a, src)
				if radix {
					sortRowHashes(a)
				} else {
					slices.SortFunc(a, cmpRowHash)
				}
			}
		})
	}
}
