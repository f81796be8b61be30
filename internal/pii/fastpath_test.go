package pii

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/pii/corpus"
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
	// The second alphabet: bytes just below and above white space and
	// the high bytes the block test's subtraction borrows through, with
	// tokens of any length.
	alphabets := []string{"aZ09.-@:/ \t\"(),é;!?", "a0 \t\n\v\f\r\x00\x1f!\x7f\x80\xa0\xa1\xff" + strings.Repeat("x", 10)}
	sc := newScanner(nil)
	for k := range 40000 {
		alphabet := alphabets[k%2]
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

// The one-token fast path (scanOne) against the general path (scan): the
// same candidates, in the same order, for every cell it takes, and so the
// same Results.

// poolKinds are every kind corpus.Pool makes: the benchmark's columns and
// the pii types.
var poolKinds = []string{
	"FIRST", "LAST", "PERSON", "UUID", "TIMESTAMP", "AMOUNT", "INT", "STATUS", "SKU", "SHA256",
	"NOTE", "DATE_OF_BIRTH", "EMAIL", "PHONE", "DOB", "ADDRESS", "CREDIT_CARD", "IBAN",
	"IP_ADDRESS", "MAC_ADDRESS", "URL", "US_SSN", "PASSPORT", "SECRET", "NATIONAL_ID", "ORDER",
	"TRACKING", "VERSION", "HASH", "DATE",
}

// fastEqual scans cell (trimmed) on both paths, with and without the
// phone-column hint, and returns an error if a fast path (scanOne, or
// scanNumber for the cells scanOne leaves) took the cell and found
// anything other than what scan finds. It reports whether a fast path
// took the cell.
func fastEqual(sc *scanner, cell []byte) (bool, error) {
	path, err := fastPathEqual(sc, cell)
	return path != pathGeneral, err
}

// The paths Observe can take.
const (
	pathGeneral = iota
	pathOne     // scanOne
	pathGroups  // scanGroups
)

// fastPathEqual is fastEqual; it reports which path Observe takes.
func fastPathEqual(sc *scanner, cell []byte) (int, error) {
	v := trimSpace(cell)
	if len(v) == 0 {
		return pathGeneral, nil
	}
	took := pathGeneral
	for _, weak := range []bool{false, true} {
		sc.weakPhone = weak
		path, words := pathOne, 1
		fast, ok := sc.scanOne(v)
		if !ok {
			path = pathGroups
			fast, words = sc.scanGroups(v)
			ok = words > 0
		}
		if !ok {
			continue
		}
		took = path
		fast = slices.Clone(fast)
		sc.weakPhone = weak // as Observe sets it before either path
		general := sc.scan(v)
		if path == pathOne && (len(sc.toks) != 1 || sc.toks[0].cs != 0 || int(sc.toks[0].ce) != len(v)) {
			return path, fmt.Errorf("%q (weakPhone %v): the fast path took a cell that is not one whole token (%d tokens)", v, weak, len(sc.toks))
		}
		if path == pathGroups && (len(sc.toks) < 2 || words != len(sc.toks)) {
			return path, fmt.Errorf("%q (weakPhone %v): the grouped path took a cell of %d tokens, counting %d", v, weak, len(sc.toks), words)
		}
		if !slices.Equal(fast, general) {
			return path, fmt.Errorf("%q (weakPhone %v): fast path %d %+v, general path %+v", v, weak, path, fast, general)
		}
	}
	return took, nil
}

// scanBoth feeds the same cells to a ColumnScanner on the fast path and
// one on the general path.
type scanBoth struct{ fast, general *ColumnScanner }

func newScanBoth() scanBoth {
	g := NewColumnScanner(Options{})
	g.general = true
	return scanBoth{NewColumnScanner(Options{}), g}
}

func (b scanBoth) name(col int, name string) {
	b.fast.AddColumn(col, name)
	b.general.AddColumn(col, name)
}

func (b scanBoth) observe(col int, v []byte) {
	b.fast.Observe(col, v)
	b.general.Observe(col, v)
}

func (b scanBoth) check(t *testing.T, what string) {
	t.Helper()
	f, g := b.fast.Results(), b.general.Results()
	if !reflect.DeepEqual(f, g) {
		fj, _ := json.MarshalIndent(f, "", " ")
		gj, _ := json.MarshalIndent(g, "", " ")
		t.Fatalf("%s: Results differ between the fast and the general path\nfast:    %s\ngeneral: %s", what, fj, gj)
	}
}

// TestFastPathCorpus: every value of the accuracy corpus, cell by cell
// and as columns (counts, shares, confidences, examples).
func TestFastPathCorpus(t *testing.T) {
	b, err := os.ReadFile("testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	cols, err := corpus.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sc := newScanner(nil)
	both := newScanBoth()
	cells, took := 0, 0
	for i, c := range cols {
		both.name(i, c.Name)
		for _, v := range c.Values {
			ok, err := fastEqual(sc, []byte(v))
			if err != nil {
				t.Fatalf("corpus column %s: %v", c.Name, err)
			}
			cells++
			if ok {
				took++
			}
			both.observe(i, []byte(v))
		}
	}
	both.check(t, "accuracy corpus")
	t.Logf("%d of %d corpus cells took the fast path", took, cells)
	if took < cells/3 {
		t.Fatalf("only %d of %d corpus cells took the fast path: the comparison tests little", took, cells)
	}
}

// TestFastPathPools: the benchmark's pools, and every other kind
// corpus.Pool makes, under the benchmark's column names and under a
// neutral one.
func TestFastPathPools(t *testing.T) {
	sc := newScanner(nil)
	for _, kind := range poolKinds {
		both := newScanBoth()
		both.name(0, strings.ToLower(kind))
		both.name(1, "col")
		for _, c := range benchColumns {
			if c.kind == kind {
				both.name(0, c.name)
			}
		}
		took, spaced := 0, 0
		pool := corpus.Pool(kind, 2048, 99)
		for _, v := range pool {
			path, err := fastPathEqual(sc, []byte(v))
			if err != nil {
				t.Fatalf("pool %s: %v", kind, err)
			}
			if path != pathGeneral {
				took++
			}
			if path == pathGroups {
				spaced++
			}
			both.observe(0, []byte(v))
			both.observe(1, []byte(v))
		}
		both.check(t, "pool "+kind)
		t.Logf("%-14s %4d of %d cells took a fast path, %4d the grouped one", kind, took, len(pool), spaced)
		if kind == "PHONE" && spaced < len(pool)/4 {
			t.Fatalf("only %d of %d phone numbers took the grouped path: the comparison tests little", spaced, len(pool))
		}
	}
	// The benchmark table itself, as the benchmark scans it.
	both := newScanBoth()
	for i, c := range benchColumns {
		both.name(i, c.name)
	}
	for i, c := range benchColumns {
		for _, v := range corpus.Pool(c.kind, 4096, uint64(i+1)) {
			both.observe(i, []byte(v))
		}
	}
	both.check(t, "benchmark table")
}

// adversarialCell makes a cell near the shapes the fast path dispatches
// on: random bytes of the classes it looks at, or a pool value with a
// byte replaced, inserted or removed.
// editByte makes one random edit of w with a byte of alphabet: an
// insertion, a replacement or a deletion at a random place (the last two
// do nothing at the end of w).
func editByte(r *rand.Rand, w []byte, alphabet string) []byte {
	k := r.IntN(len(w) + 1)
	c := alphabet[r.IntN(len(alphabet))]
	switch r.IntN(3) {
	case 0:
		return slices.Insert(w, k, c)
	case 1:
		if k < len(w) {
			w[k] = c
		}
	default:
		if k < len(w) {
			return slices.Delete(w, k, k+1)
		}
	}
	return w
}

func adversarialCell(r *rand.Rand, pools [][]string) []byte {
	const alphabet = "0123456789abcdefxyzABCDEFXYZ@:.-/+()_ ,;'\"[]<>!?#=%\t"
	high := []string{"é", "É", "«", "»", "“", "”", "ß", "\xff"}
	if r.IntN(2) == 0 {
		p := pools[r.IntN(len(pools))]
		w := []byte(p[r.IntN(len(p))])
		for range 1 + r.IntN(2) {
			w = editByte(r, w, alphabet)
		}
		return w
	}
	if r.IntN(3) == 0 {
		// Near the grouped path: digits in groups with the
		// punctuation of phone numbers and dates, around its limits.
		const numeric = "0123456789012345678901234567890123456789      +-./()():x"
		if r.IntN(2) == 0 {
			w := make([]byte, 1+r.IntN(56))
			for i := range w {
				w[i] = numeric[r.IntN(len(numeric))]
			}
			return w
		}
		// Groups of digits as phone numbers, cards and ids are written,
		// sometimes with a byte changed.
		var w []byte
		switch r.IntN(4) {
		case 0:
			w = append(w, '+')
		case 1:
			w = append(w, "00"...)
		case 2:
			w = append(w, '0')
		}
		seps := []string{" ", " ", " ", "-", ".", "/", "  ", ") ", " (", " -", "\t"}
		for g, groups := 0, 1+r.IntN(7); g < groups; g++ {
			if g > 0 {
				w = append(w, seps[r.IntN(len(seps))]...)
			}
			for range 1 + r.IntN(5) {
				w = append(w, byte('0'+r.IntN(10)))
			}
		}
		if r.IntN(3) == 0 {
			w[r.IntN(len(w))] = numeric[r.IntN(len(numeric))]
		}
		return w
	}
	n := 1 + r.IntN(48)
	var w []byte
	for len(w) < n {
		if r.IntN(20) == 0 {
			w = append(w, high[r.IntN(len(high))]...)
		} else {
			w = append(w, alphabet[r.IntN(len(alphabet))])
		}
	}
	return w
}

// TestFastPathRandom: random and adversarial cells, cell by cell.
func TestFastPathRandom(t *testing.T) {
	var pools [][]string
	for _, kind := range poolKinds {
		pools = append(pools, corpus.Pool(kind, 256, 7))
	}
	r := rand.New(rand.NewPCG(11, 12))
	sc := newScanner(nil)
	var took [3]int
	const n = 100000
	for range n {
		path, err := fastPathEqual(sc, adversarialCell(r, pools))
		if err != nil {
			t.Fatal(err)
		}
		took[path]++
	}
	t.Logf("of %d random cells %d took the one-token path, %d the grouped one", n, took[pathOne], took[pathGroups])
	if took[pathGroups] < n/100 {
		t.Fatalf("only %d of %d random cells took the grouped path: the comparison tests little", took[pathGroups], n)
	}
}

// FuzzFastPathEqual compares the per-cell candidates of both paths.
func FuzzFastPathEqual(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s)
	}
	for _, kind := range poolKinds {
		for _, v := range corpus.Pool(kind, 8, 3) {
			f.Add(v)
		}
	}
	sc := newScanner(nil)
	f.Fuzz(func(t *testing.T, cell string) {
		if _, err := fastEqual(sc, []byte(cell)); err != nil {
			t.Fatal(err)
		}
	})
}

// isUUIDSlow is isUUID byte by byte.
func isUUIDSlow(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}

// TestUUIDShortcut: isUUID checks the dashes first, then the hex groups.
func TestUUIDShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, u := range corpus.Pool("UUID", 512, 1) {
		for range 8 {
			w := []byte(u)
			if r.IntN(4) > 0 {
				w[r.IntN(len(w))] = "0aF-gZ_ "[r.IntN(8)]
			}
			if r.IntN(10) == 0 {
				w = w[:r.IntN(len(w))]
			}
			if got, want := isUUID(w), isUUIDSlow(w); got != want {
				t.Fatalf("isUUID(%q) = %v, want %v", w, got, want)
			}
		}
	}
}

// TestSpacedNumberEdges: spaced numbers at the edges of what scanNumber
// takes (a sixth group, a group starting with punctuation, a cell just
// over 48 bytes, two spaces, a group without a digit), made from the
// numbers the pools write with spaces.
func TestSpacedNumberEdges(t *testing.T) {
	sc := newScanner(nil)
	var base []string
	for _, kind := range []string{"PHONE", "CREDIT_CARD", "NATIONAL_ID", "US_SSN", "DATE"} {
		for _, v := range corpus.Pool(kind, 512, 21) {
			if strings.Contains(v, " ") {
				base = append(base, v)
			}
		}
	}
	r := rand.New(rand.NewPCG(22, 23))
	took, n := 0, 0
	for _, v := range base {
		sp := strings.Index(v, " ")
		variants := []string{
			v,
			v + " " + fmt.Sprint(r.IntN(100)), // one group more
			v + " 1 2",                        // two more
			v[:sp+1] + "+" + v[sp+1:],         // a group starting '+'
			v[:sp+1] + "." + v[sp+1:],         // ... '.'
			v[:sp+1] + "/" + v[sp+1:],         // ... '/'
			v[:sp+1] + ")" + v[sp+1:],         // ... ')'
			v[:sp+1] + "(" + v[sp+1:],         // ... '('
			v[:sp+1] + "-" + v[sp+1:],         // ... '-'
			v[:sp] + " " + v[sp:],             // two spaces
			v[:sp] + " -" + v[sp:],            // a group of no digit
			"(" + v,                           // wrapped
			v[:sp] + strings.Repeat("-", 48-len(v)) + v[sp:],   // 48 bytes
			v[:sp] + strings.Repeat("-", 49-len(v)) + v[sp:],   // 49
			v[:sp] + strings.Repeat("-", 2+r.IntN(6)) + v[sp:], // dashes
		}
		// The last group split into digits: seven, eight, more groups.
		last := strings.LastIndex(v, " ") + 1
		for k := 1; k < len(v)-last; k++ {
			variants = append(variants, v[:last]+strings.Join(strings.Split(v[last:last+k], ""), " ")+" "+v[last+k:])
		}
		if sp2 := strings.Index(v[sp+1:], " "); sp2 > 0 {
			sp2 += sp + 1 // "+44 (7700 )900123": a group starting ')'
			variants = append(variants, v[:sp+1]+"("+v[sp+1:sp2+1]+")"+v[sp2+1:])
		}
		for _, w := range variants {
			path, err := fastPathEqual(sc, []byte(w))
			if err != nil {
				t.Fatal(err)
			}
			n++
			if path == pathGroups {
				took++
			}
		}
	}
	// IBANs regrouped: groups of one to six characters (up to eleven
	// groups), the first group longer, two spaces, a lower-case letter,
	// a wrapping bracket.
	for _, v := range corpus.Pool("IBAN", 512, 24) {
		c := strings.ReplaceAll(v, " ", "")
		for _, size := range []int{1, 2, 3, 4, 5, 6} {
			head := 4 + r.IntN(4)
			var b strings.Builder
			b.WriteString(c[:min(head, len(c))])
			for k := head; k < len(c); k += size {
				b.WriteByte(' ')
				b.WriteString(c[k:min(k+size, len(c))])
			}
			g := b.String()
			sp := strings.LastIndex(g, " ")
			for _, w := range []string{g, g[:sp] + " " + g[sp:], strings.ToLower(g[:1]) + g[1:],
				g[:sp+1] + strings.ToLower(g[sp+1:]), "(" + g + ")", g + " X", g + " 12345"} {
				path, err := fastPathEqual(sc, []byte(w))
				if err != nil {
					t.Fatal(err)
				}
				n++
				if path == pathGroups {
					took++
				}
			}
		}
	}
	t.Logf("%d of %d edge cells took the grouped path", took, n)
	if took < n/10 {
		t.Fatalf("only %d of %d edge cells took the grouped path", took, n)
	}
}

// TestSplitDateShapes: splitDate's fixed-position shapes (YYYY-MM-DD,
// DD-MM-YYYY) give the fields of the byte-by-byte split, for dates and
// for strings near them.
func TestSplitDateShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	const alphabet = "0123456789-/.:x /"
	bases := append(corpus.Pool("DATE_OF_BIRTH", 256, 5), corpus.Pool("DATE", 256, 6)...)
	for range 200000 {
		var w []byte
		if r.IntN(2) == 0 {
			w = []byte(bases[r.IntN(len(bases))])
			for range r.IntN(3) {
				w[r.IntN(len(w))] = alphabet[r.IntN(len(alphabet))]
			}
		} else {
			w = make([]byte, 8+r.IntN(4))
			for i := range w {
				w[i] = "0123456789"[r.IntN(10)]
			}
			for range 1 + r.IntN(3) {
				w[r.IntN(len(w))] = alphabet[r.IntN(len(alphabet))]
			}
		}
		var got, want [3][]byte
		okGot, okWant := splitDate(w, &got), splitDateLoop(w, &want)
		if okGot != okWant || (okGot && !reflect.DeepEqual(got, want)) {
			t.Fatalf("splitDate(%q) = %v %q, byte by byte %v %q", w, okGot, got, okWant, want)
		}
	}
}

// ibanStrengthSlow is ibanStrength as it was written before the table
// shortcuts: compact, then mod 97 a character at a time.
func ibanStrengthSlow(b []byte) float32 {
	if len(b) < 15 || len(b) > 42 || !isUpper(b[0]) || !isUpper(b[1]) {
		return 0
	}
	var buf [34]byte
	s := compact(buf[:], b, " ")
	if len(s) < 15 || !isDigit(s[2]) || !isDigit(s[3]) || !isUpper(s[1]) {
		return 0
	}
	if want := ibanLength[s[0]-'A'][s[1]-'A']; want == 0 || int(want) != len(s) {
		return 0
	}
	acc := uint64(0)
	for _, c := range append(slices.Clone(s[4:]), s[:4]...) {
		if c-'0' < 10 {
			acc = acc*10 + uint64(c-'0')
		} else {
			acc = acc*100 + uint64(c-'A') + 10
		}
		if acc >= 1e15 {
			acc %= 97
		}
	}
	if acc%97 != 1 {
		return 0
	}
	return 0.97
}

// TestIBANShortcut: ibanStrength (table compaction, mod 97 seven
// characters at a time) against ibanStrengthSlow, on IBANs, IBANs with
// a character changed, inserted or removed, regrouped, lower-cased, and
// random strings of their bytes, at every length up to 44.
func TestIBANShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	pool := corpus.Pool("IBAN", 1024, 45)
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZaz  -é\x00"
	valid := 0
	for range 200000 {
		var w []byte
		switch r.IntN(3) {
		case 0:
			w = []byte(pool[r.IntN(len(pool))])
			if r.IntN(2) == 0 {
				w = []byte(strings.ReplaceAll(string(w), " ", ""))
			}
		case 1:
			w = []byte(pool[r.IntN(len(pool))])
			for range 1 + r.IntN(2) {
				w = editByte(r, w, alphabet)
			}
		default:
			w = make([]byte, r.IntN(45))
			for i := range w {
				w[i] = alphabet[r.IntN(len(alphabet))]
			}
			if len(w) >= 4 {
				copy(w, pool[r.IntN(len(pool))][:4])
			}
		}
		got, want := ibanStrength(w), ibanStrengthSlow(w)
		if got != want {
			t.Fatalf("ibanStrength(%q) = %v, byte by byte %v", w, got, want)
		}
		if got > 0 {
			valid++
		}
	}
	if valid < 10000 {
		t.Fatalf("only %d valid IBANs among the cases: the comparison tests little", valid)
	}
}

// TestMod97Chunks: mod97 against the remainder of the whole number, on
// strings of digits and capital letters (letter-heavy ones too, whose
// chunks are the largest), of every length from 4 to 40.
func TestMod97Chunks(t *testing.T) {
	r := rand.New(rand.NewPCG(46, 47))
	for range 100000 {
		w := make([]byte, 4+r.IntN(37))
		letters := r.IntN(11) // share of letters, in tenths
		for i := range w {
			if r.IntN(10) < letters {
				w[i] = byte('A' + r.IntN(26))
			} else {
				w[i] = byte('0' + r.IntN(10))
			}
		}
		acc := 0
		for _, c := range append(slices.Clone(w[4:]), w[:4]...) {
			if isDigit(c) {
				acc = (acc*10 + int(c-'0')) % 97
			} else {
				acc = (acc*100 + int(c-'A') + 10) % 97
			}
		}
		if got := mod97(w); got != acc {
			t.Fatalf("mod97(%q) = %d, want %d", w, got, acc)
		}
	}
}

// emailStrengthSlow is emailStrength as it was written before the table
// shortcuts: byte by byte, label by label.
func emailStrengthSlow(b []byte) float32 {
	at := -1
	for i, c := range b {
		if c == '@' {
			if at >= 0 {
				return 0
			}
			at = i
		}
	}
	if at < 1 || at > 64 || len(b)-at-1 < 4 || len(b) > 254 {
		return 0
	}
	l := b[:at]
	if l[0] == '.' || l[len(l)-1] == '.' {
		return 0
	}
	for i, c := range l {
		if !localChars[c] || (c == '.' && l[i-1] == '.') {
			return 0
		}
	}
	if !emailDomainLoop(b[at+1:]) {
		return 0
	}
	return 0.95
}

// TestEmailShortcut: emailStrength and emailDomain (by table) against
// emailStrengthSlow and emailDomainLoop, on addresses, addresses with a
// byte changed, inserted or removed, and random strings of the bytes
// that matter, with long domains and local parts too.
func TestEmailShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(48, 49))
	pool := append(corpus.Pool("EMAIL", 1024, 50), "a@b.co", "x@"+strings.Repeat("a", 62)+".com", "x@"+strings.Repeat("b.", 40)+"de")
	const alphabet = "ab.-.-@_+é\xff!Z9 .co"
	valid := 0
	for range 300000 {
		var w []byte
		if r.IntN(4) > 0 {
			w = []byte(pool[r.IntN(len(pool))])
			for range r.IntN(3) {
				w = editByte(r, w, alphabet)
			}
		} else {
			w = make([]byte, r.IntN(80))
			for i := range w {
				w[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		got, want := emailStrength(w), emailStrengthSlow(w)
		if got != want {
			t.Fatalf("emailStrength(%q) = %v, byte by byte %v", w, got, want)
		}
		if got > 0 {
			valid++
		}
		if d := w[bytes.IndexByte(w, '@')+1:]; emailDomain(d) != emailDomainLoop(d) {
			t.Fatalf("emailDomain(%q) = %v, label by label %v", d, emailDomain(d), emailDomainLoop(d))
		}
	}
	if valid < 50000 {
		t.Fatalf("only %d valid addresses among the cases: the comparison tests little", valid)
	}
}

// TestOneWordPath: scanOne's one-word reader (oneWord) against the
// general path on every lexicon word written as a name, in capitals and
// with a byte changed, and on the name pools (TestFastPathPools and the
// random cells cover it too).
func TestOneWordPath(t *testing.T) {
	sc := newScanner(nil)
	r := rand.New(rand.NewPCG(51, 52))
	took, found := 0, 0
	cells := append(corpus.Pool("FIRST", 1024, 53), corpus.Pool("LAST", 1024, 54)...)
	for w := range lexicon {
		if w == "" || w[0] >= 0x80 {
			continue
		}
		cells = append(cells, strings.ToUpper(w[:1])+w[1:], strings.ToUpper(w))
		b := []byte(strings.ToUpper(w[:1]) + w[1:])
		b[r.IntN(len(b))] = "aZ'-_é.,1"[r.IntN(9)]
		cells = append(cells, string(b))
	}
	for _, c := range cells {
		path, err := fastPathEqual(sc, []byte(c))
		if err != nil {
			t.Fatal(err)
		}
		if path == pathOne && isCapital([]byte(c)) {
			took++
			if len(sc.cands) > 0 {
				found++
			}
		}
	}
	t.Logf("%d of %d cells took the one-word path, %d with a finding", took, len(cells), found)
	if took < len(cells)/2 || found < len(cells)/4 {
		t.Fatalf("only %d of %d cells took the one-word path (%d with a finding): the comparison tests little", took, len(cells), found)
	}
}

// TestPlainEdges: the edges table says what the six comparisons said.
func TestPlainEdges(t *testing.T) {
	for a := range 256 {
		for b := range 256 {
			w := []byte{byte(a), 'x', byte(b)}
			for _, w := range [][]byte{w, w[:1]} {
				f, l := w[0], w[len(w)-1]
				want := wraps[f] == 0 && wraps[l] == 0 && l != '.' && l != ':' && f < 0x80 && l < 0x80
				if got := plainEdges(w, 0, len(w)); got != want {
					t.Fatalf("plainEdges(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}

// dniStrengthSlow is dniStrength without its check of the first byte.
func dniStrengthSlow(b []byte) float32 {
	var buf [9]byte
	s := compact(buf[:], b, "- ")
	if len(s) != 9 || !isUpper(s[8]) {
		return 0
	}
	n := 0
	switch {
	case allDigits(s[:8]):
		n = digitVal(s[:8])
	case (s[0] == 'X' || s[0] == 'Y' || s[0] == 'Z') && allDigits(s[1:8]):
		n = int(s[0]-'X')*10000000 + digitVal(s[1:8])
	default:
		return 0
	}
	if dniLetters[n%23] != s[8] {
		return 0
	}
	return 0.85
}

// TestDNIShortcut: dniStrength against dniStrengthSlow on national ids,
// SKUs and strings near DNIs and NIEs (separators first, lower case).
func TestDNIShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(57, 58))
	pool := append(corpus.Pool("NATIONAL_ID", 1024, 59), corpus.Pool("SKU", 256, 60)...)
	const alphabet = "0123456789XYZxyzAT- ab"
	valid := 0
	for range 200000 {
		var w []byte
		if r.IntN(2) == 0 {
			w = []byte(pool[r.IntN(len(pool))])
			if r.IntN(2) == 0 && len(w) > 0 {
				w[r.IntN(len(w))] = alphabet[r.IntN(len(alphabet))]
			}
			if r.IntN(4) == 0 {
				w = append([]byte{"- xX"[r.IntN(4)]}, w...)
			}
		} else {
			w = make([]byte, 1+r.IntN(12))
			for i := range w {
				w[i] = alphabet[r.IntN(len(alphabet))]
			}
			if r.IntN(2) == 0 { // a valid DNI or NIE, maybe with a separator
				n := r.IntN(100000000)
				w = fmt.Appendf(nil, "%08d%c", n, dniLetters[n%23])
				if r.IntN(2) == 0 {
					w[0] = "XYZxyz"[r.IntN(6)]
					w[8] = dniLetters[(int(upper(w[0])-'X')*10000000+digitVal(w[1:8]))%23]
				}
				if r.IntN(3) == 0 {
					k := r.IntN(len(w) + 1)
					w = slices.Insert(w, k, "- "[r.IntN(2)])
				}
			}
		}
		got, want := dniStrength(w), dniStrengthSlow(w)
		if got != want {
			t.Fatalf("dniStrength(%q) = %v, without the shortcut %v", w, got, want)
		}
		if got > 0 {
			valid++
		}
	}
	if valid < 10000 {
		t.Fatalf("only %d valid DNIs and NIEs among the cases: the comparison tests little", valid)
	}
}

// TestCellBytes: the sums of cellBytes give the classes maskOf gives and
// the counts numberShapeSlow gives, for cells of every length up to 255
// (the lanes' limit; scanOne leaves longer cells to scan).
func TestCellBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	const alphabet = "0123456789.-/:+()aZé_@\x00x"
	for range 50000 {
		n := 1 + r.IntN(40)
		if r.IntN(10) == 0 {
			n = 200 + r.IntN(56)
		}
		w := make([]byte, n)
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		if r.IntN(3) == 0 { // all digits and one separator kind, the lanes at their fullest
			sep := ".-/:x"[r.IntN(5)]
			for i := range w {
				w[i] = "0123456789"[r.IntN(10)]
				if r.IntN(2) == 0 {
					w[i] = sep
				}
			}
		}
		var or, and, sum uint64
		and = ^uint64(0)
		for _, c := range w {
			or, and, sum = or|cellBytes[c], and&cellBytes[c], sum+cellBytes[c]
		}
		m, all := maskOf(w)
		if uint16(or>>48) != m || uint16(and>>48) != all || cellShape(sum) != numberShapeSlow(w) {
			t.Fatalf("cellBytes over %q: %b %b %+v, want %b %b %+v", w, uint16(or>>48), uint16(and>>48), cellShape(sum), m, all, numberShapeSlow(w))
		}
	}
	sc := newScanner(nil)
	if _, ok := sc.scanOne(bytes.Repeat([]byte{'7'}, 256)); ok {
		t.Fatal("scanOne took a cell of 256 bytes, more than its lanes count")
	}
}

// TestScanOneTail: scanOne's pass over a cell (blocks of eight, then at
// most one block of four, one of two and one byte) gives the classes
// maskOf gives, for cells of every length up to 255, and so the token
// it sets up (mask and all) is scan's.
func TestScanOneTail(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	const alphabet = "0123456789abcdefXYZ.-_+=~"
	sc := newScanner(nil)
	hex := 0
	for n := 2; n <= 255; n++ {
		for range 40 {
			w := make([]byte, n)
			for i := range w {
				w[i] = alphabet[r.IntN(len(alphabet))]
			}
			// Mostly hex with a byte of another class anywhere, so that
			// each position of the tail decides a class.
			if r.IntN(2) == 0 {
				for i := range w {
					w[i] = "0123456789abcdef"[r.IntN(16)]
				}
				w[r.IntN(n)] = alphabet[r.IntN(len(alphabet))]
			}
			// A hex letter first and a digit: not numeric (which needs a
			// digit first), so alnum sets up the token; all hex (a hash)
			// unless another byte came in.
			w[0], w[1] = "abcdefABCDEF"[r.IntN(12)], '7'
			if w[n-1] == '.' {
				w[n-1] = '9' // a trailing '.' is not part of the core
			}
			if _, ok := sc.scanOne(w); !ok {
				t.Fatalf("scanOne declined %q", w)
			}
			m, all := maskOf(w)
			if len(sc.toks) != 1 || sc.toks[0].mask != m || sc.toks[0].all != all {
				t.Fatalf("scanOne(%q) set up %+v, want mask %b all %b", w, sc.toks, m, all)
			}
			if all&cHex != 0 {
				hex++
			}
		}
	}
	if hex < 2000 {
		t.Fatalf("only %d cells all hex: the and of the classes is tested little", hex)
	}
	// Numbers of every length to 40 with separators anywhere: the lanes'
	// counts decide the numeric recognizers, which the general path
	// checks.
	for n := 7; n <= 40; n++ {
		for range 300 {
			w := make([]byte, n)
			for i := range w {
				w[i] = "0123456789"[r.IntN(10)]
				if r.IntN(4) == 0 {
					w[i] = ".-/:()+"[r.IntN(7)]
				}
			}
			w[0] = '1' + byte(r.IntN(9))
			if _, err := fastEqual(sc, w); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// ipv4StrengthSlow is ipv4Strength as it was: "small" by a byte loop.
func ipv4StrengthSlow(b []byte) float32 {
	if !parseIPv4(b) {
		return 0
	}
	small := true
	for i, c := range b {
		if isDigit(c) && i+1 < len(b) && isDigit(b[i+1]) {
			small = false
			break
		}
	}
	if small {
		return 0.35
	}
	return 0.85
}

// TestIPv4Small: the length test for one-digit octets against the byte
// loop it replaced, on addresses, addresses with a byte changed, inserted
// or removed, and dotted digits.
func TestIPv4Small(t *testing.T) {
	r := rand.New(rand.NewPCG(73, 74))
	bases := corpus.Pool("IP_ADDRESS", 512, 9)
	bases = append(bases, "0.0.0.0", "1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4.", ".1.2.3.4", "1000.1.1.1", "1.2.3", "1.2.3.4.5", "10.0.0.1", "9.9.9.99")
	const alphabet = "0123456789.x:"
	check := func(w []byte) {
		if got, want := ipv4Strength(w), ipv4StrengthSlow(w); got != want {
			t.Fatalf("ipv4Strength(%q) = %v, byte loop %v", w, got, want)
		}
	}
	valid := 0
	for range 300000 {
		var w []byte
		switch r.IntN(3) {
		case 0:
			w = []byte(bases[r.IntN(len(bases))])
			for range r.IntN(3) {
				w = editByte(r, w, alphabet)
			}
		default:
			w = make([]byte, 5+r.IntN(13))
			for i := range w {
				w[i] = "0123456789."[r.IntN(11)]
				if r.IntN(3) == 0 {
					w[i] = '.'
				}
			}
		}
		if parseIPv4(w) {
			valid++
		}
		check(w)
	}
	if valid < 10000 {
		t.Fatalf("only %d valid addresses among the cases: the comparison tests little", valid)
	}
}

// TestHasAnyPrefix: the in-place comparison against string equality.
func TestHasAnyPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(75, 76))
	prefixes := [][]string{nil, {"0"}, {"00", "011"}, {"0", "180020"}, {"1"}, {"8", "810"}}
	hits := 0
	for range 100000 {
		d := make([]byte, r.IntN(10))
		for i := range d {
			d[i] = "0018"[r.IntN(4)]
		}
		for _, ps := range prefixes {
			want := 0
			for _, pre := range ps {
				if len(d) > len(pre) && string(d[:len(pre)]) == pre {
					want = len(pre)
					break
				}
			}
			if got := hasAnyPrefix(d, ps); got != want {
				t.Fatalf("hasAnyPrefix(%q, %q) = %d, want %d", d, ps, got, want)
			}
			if want > 0 {
				hits++
			}
		}
	}
	if hits < 10000 {
		t.Fatalf("only %d prefixes matched: the comparison tests little", hits)
	}
}

// TestNumericDateShortcut: numericDate's YYYY-MM-DD shape (alone or
// before a time) against numericDateLoop, on dates, timestamps and
// strings near them.
func TestNumericDateShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(77, 78))
	bases := append(corpus.Pool("DATE_OF_BIRTH", 256, 5), corpus.Pool("DATE", 256, 6)...)
	bases = append(bases, corpus.Pool("TIMESTAMP", 512, 7)...)
	bases = append(bases, "2024-02-29", "2023-02-29", "1799-12-31", "2199-12-31", "2200-01-01", "2024-01-01T00:00:00Z",
		"2024-01-01 00:00", "2024-01-01T24:00", "2024-01-01T", "2024-01-01 ", "2024-13-01", "2024/01/01T10:11:12+01:00")
	const alphabet = "0123456789-/.:TZ +x"
	shaped, dmy := 0, 0
	for range 300000 {
		w := []byte(bases[r.IntN(len(bases))])
		for range r.IntN(3) {
			switch i := r.IntN(len(w) + 1); r.IntN(3) {
			case 0:
				if i < len(w) {
					w[i] = alphabet[r.IntN(len(alphabet))]
				}
			case 1:
				w = slices.Insert(w, i, alphabet[r.IntN(len(alphabet))])
			default:
				if i < len(w) {
					w = slices.Delete(w, i, i+1)
				}
			}
		}
		got, okGot := numericDate(w)
		want, okWant := numericDateLoop(w, dateInfo{})
		if okGot != okWant || (okGot && got != want) {
			t.Fatalf("numericDate(%q) = %+v %v, numericDateLoop %+v %v", w, got, okGot, want, okWant)
		}
		if len(w) >= 10 && w[4] == w[7] && (len(w) == 10 || w[10] == 'T' || w[10] == ' ') {
			shaped++
		}
		if len(w) == 10 && w[2] == w[5] {
			dmy++
		}
	}
	if shaped < 50000 || dmy < 20000 {
		t.Fatalf("only %d and %d cases of the shortcuts' shapes: the comparison tests little", shaped, dmy)
	}
}

// getSlow is wordTable.get as it was: one loop, a branch per byte.
func (t *wordTable) getSlow(w []byte) uint16 {
	var buf [24]byte
	if len(w) > len(buf) {
		return 0
	}
	h := uint32(fnvOffset)
	for i, c := range w {
		switch {
		case isUpper(c):
			c += 'a' - 'A'
		case c >= 0x80 && c <= 0x9e && c != 0x97 && i > 0 && w[i-1] == 0xc3:
			c += 0x20
		}
		buf[i] = c
		h = (h ^ uint32(c)) * fnvPrime
	}
	k := buf[:len(w)]
	for i := h & t.mask; t.keys[i] != ""; i = (i + 1) & t.mask {
		if t.keys[i] == string(k) {
			return t.roles[i]
		}
	}
	return 0
}

// TestWordTableGet: get (ASCII by table, other words by getUTF8) against
// the one-loop lookup, for every lexicon word as it is, capitalized, in
// capitals (the Latin-1 letters too), with a byte changed, and random
// bytes.
func TestWordTableGet(t *testing.T) {
	r := rand.New(rand.NewPCG(79, 80))
	upperUTF8 := func(w string) []byte {
		b := []byte(strings.ToUpper(w))
		return b
	}
	found, high := 0, 0
	check := func(w []byte) {
		got, want := lexiconTable.get(w), lexiconTable.getSlow(w)
		if got != want {
			t.Fatalf("get(%q) = %b, one loop %b", w, got, want)
		}
		if want != 0 {
			found++
		}
		if slices.ContainsFunc(w, func(c byte) bool { return c >= 0x80 }) {
			high++
		}
	}
	const alphabet = "aZé\xc3\x80\x97\x9e\x9f'-.Ü"
	for _, k := range lexiconTable.keys {
		if k == "" {
			continue
		}
		check([]byte(k))
		check(upperUTF8(k))
		if len(k) > 0 {
			b := []byte(k)
			b[0] = upper(b[0])
			check(b)
			b = []byte(k)
			b[r.IntN(len(b))] = alphabet[r.IntN(len(alphabet))]
			check(b)
		}
	}
	for range 20000 {
		b := make([]byte, r.IntN(27))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(b)
	}
	if found < 3000 || high < 1000 {
		t.Fatalf("%d words found, %d with high bytes: the comparison tests little", found, high)
	}
}

// TestDashUnderClasses: finishAddress reads "a '-' or '_' in the word"
// from the token's classes; cDash and cUnder are those two bytes alone.
func TestDashUnderClasses(t *testing.T) {
	for c := range 256 {
		if got, want := classes[c]&(cDash|cUnder) != 0, c == '-' || c == '_'; got != want {
			t.Fatalf("byte %#x: cDash|cUnder %v, want %v", c, got, want)
		}
	}
}
