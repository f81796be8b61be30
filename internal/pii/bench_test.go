package pii

import (
	"bytes"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/pii/corpus"
)

// The benchmark table: a CSV of about 200 MB (BENCH_PII_MB to change it)
// with the columns a customer or event table has. Cells are drawn from
// pools of generated values; no value holds a comma, so a plain split on
// ',' reads it.
var benchColumns = []struct{ name, kind string }{
	{"id", "INT"}, {"uuid", "UUID"}, {"created_at", "TIMESTAMP"}, {"email", "EMAIL"},
	{"phone", "PHONE"}, {"first_name", "FIRST"}, {"last_name", "LAST"}, {"dob", "DATE_OF_BIRTH"},
	{"address", "ADDRESS"}, {"ip", "IP_ADDRESS"}, {"amount", "AMOUNT"}, {"quantity", "INT"},
	{"status", "STATUS"}, {"sku", "SKU"}, {"sha256", "SHA256"}, {"iban", "IBAN"},
	{"notes", "NOTE"},
}

const freeTextColumn = 16 // "notes"

var benchCSV = sync.OnceValue(func() []byte {
	mb := 200
	if s := os.Getenv("BENCH_PII_MB"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			mb = n
		}
	}
	pools := make([][]string, len(benchColumns))
	for i, c := range benchColumns {
		pools[i] = corpus.Pool(c.kind, 4096, uint64(i+1))
	}
	r := rand.New(rand.NewPCG(7, 11))
	buf := bytes.NewBuffer(make([]byte, 0, mb<<20+4096))
	for i, c := range benchColumns {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(c.name)
	}
	buf.WriteByte('\n')
	for buf.Len() < mb<<20 {
		for i := range benchColumns {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(pools[i][r.IntN(len(pools[i]))])
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
})

// eachCell calls f for every cell after the header line, splitting on
// '\n' and ','; it returns the bytes of the cells it passed to f.
func eachCell(csv []byte, skip int, f func(col int, cell []byte)) int64 {
	body := csv[bytes.IndexByte(csv, '\n')+1:]
	var n int64
	for len(body) > 0 {
		end := bytes.IndexByte(body, '\n')
		if end < 0 {
			end = len(body)
		}
		line := body[:end]
		body = body[min(end+1, len(body)):]
		for col := 0; len(line) > 0 || col == 0; col++ {
			c := bytes.IndexByte(line, ',')
			if c < 0 {
				c = len(line)
			}
			if col != skip {
				f(col, line[:c])
				n += int64(c)
			}
			if c == len(line) {
				break
			}
			line = line[c+1:]
		}
	}
	return n
}

// benchCells runs body over the CSV b.N times and reports MB/s of the
// cells it scanned, by wall time and by CPU time (steadier on a shared
// machine; run with GOMAXPROCS=1 for a per-core figure).
func benchCells(b *testing.B, csv []byte, skip int, newScan func() func(col int, cell []byte)) {
	cellBytes := eachCell(csv, skip, func(int, []byte) {})
	// Warm up on the first megabyte: phone metadata is compiled per
	// country code on first use, once per process.
	eachCell(csv[:bytes.LastIndexByte(csv[:min(len(csv), 1<<20)], '\n')+1], skip, newScan())
	b.SetBytes(cellBytes)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		eachCell(csv, skip, newScan())
	}
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(cellBytes)*float64(b.N)/used.Seconds()/1e6, "cpu-MB/s")
	}
	b.ReportMetric(float64(cellBytes)/1e6, "cell-MB")
}

func columnScan() func(col int, cell []byte) {
	s := NewColumnScanner(Options{})
	for i, c := range benchColumns {
		s.AddColumn(i, c.name)
	}
	return s.Observe
}

// BenchmarkColumnScanner scans every cell, free text included.
func BenchmarkColumnScanner(b *testing.B) { benchCells(b, benchCSV(), -1, columnScan) }

// BenchmarkColumnScannerStructured scans every cell but the free-text
// column: the structured recognizers the throughput goal is about.
func BenchmarkColumnScannerStructured(b *testing.B) {
	benchCells(b, benchCSV(), freeTextColumn, columnScan)
}

// baselineCSV is the part of the CSV the regexp baseline scans: all of
// it, or its first BENCH_PII_BASELINE_MB megabytes (the baseline runs at
// about 1 MB/s; its MB/s does not depend on how much it scans).
func baselineCSV() []byte {
	csv := benchCSV()
	if s := os.Getenv("BENCH_PII_BASELINE_MB"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n<<20 < len(csv) {
			csv = csv[:bytes.LastIndexByte(csv[:n<<20], '\n')+1]
		}
	}
	return csv
}

// baselinePatterns are the recognizers as plain regular expressions, the
// way a scanner without prefilters or validators runs them: every pattern
// on every cell.
var baselinePatterns = sync.OnceValue(func() []*regexp.Regexp {
	var res []*regexp.Regexp
	for _, p := range []string{
		`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,                              // EMAIL
		`(?:\+\d{1,3}[ -]?)?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}`,                  // PHONE
		`\b(?:\d[ -]?){13,19}\b`,                                                      // CREDIT_CARD
		`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`,                 // IBAN
		`\b\d{3}-\d{2}-\d{4}\b`,                                                       // US_SSN
		`\b(?:\d{1,3}\.){3}\d{1,3}\b`,                                                 // IPv4
		`\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\b`,                              // IPv6
		`\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b`,                                 // MAC
		`https?://\S+|www\.\S+`,                                                       // URL
		`\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b`,                                         // date
		`\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`,                        // NINO
		`\b[XYZ0-9]\d{7}[A-Z]\b`,                                                      // DNI/NIE
		`\b[A-Z]{1,2}\d{6,8}\b`,                                                       // passport
		`\b(?:AKIA|ASIA)[A-Z2-7]{16}\b`,                                               // AWS key id
		`\bgh[pousr]_[A-Za-z0-9]{36}\b`,                                               // GitHub token
		`\bxox[baprs]-[A-Za-z0-9-]{10,}`,                                              // Slack token
		`\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`,                      // JWT
		`\b[A-Z][a-z]+ [A-Z][a-z]+\b`,                                                 // PERSON
		`\d+ [A-Z][a-z]+ (?:Street|St|Avenue|Ave|Road|Rd|Lane|Drive|straße|straat)\b`, // ADDRESS
	} {
		res = append(res, regexp.MustCompile(p))
	}
	return res
})

func regexpScan() func(col int, cell []byte) {
	res := baselinePatterns()
	var hits int
	return func(_ int, cell []byte) {
		for _, re := range res {
			if re.Match(cell) {
				hits++
			}
		}
	}
}

// BenchmarkRegexpBaseline runs the patterns above on every cell.
func BenchmarkRegexpBaseline(b *testing.B) { benchCells(b, baselineCSV(), -1, regexpScan) }

// BenchmarkRegexpBaselineStructured is the baseline without the
// free-text column.
func BenchmarkRegexpBaselineStructured(b *testing.B) {
	benchCells(b, baselineCSV(), freeTextColumn, regexpScan)
}

// BenchmarkColumnKinds scans each kind of benchmark column alone, to see
// where the time goes (values are pre-built; MB/s is of the cells;
// cpu-ns/op is CPU time per cell, steadier than ns/op on a busy machine).
func BenchmarkColumnKinds(b *testing.B) {
	for i, c := range benchColumns {
		pool := corpus.Pool(c.kind, 4096, uint64(i+1))
		cells := make([][]byte, len(pool))
		var n int
		for j, v := range pool {
			cells[j] = []byte(v)
			n += len(v)
		}
		b.Run(c.name, func(b *testing.B) {
			s := NewColumnScanner(Options{})
			s.AddColumn(0, c.name)
			b.SetBytes(int64(n / len(cells)))
			start := cpuTime()
			for k := 0; k < b.N; k++ {
				s.Observe(0, cells[k&(len(cells)-1)])
			}
			if used := cpuTime() - start; used > 0 {
				b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkFastPathVsGeneral compares the one-token fast path with the
// general path under the same conditions: it walks the CSV's structured
// cells in chunks of about 2 MB and scans each chunk with a ColumnScanner
// on each path, alternating which goes first, and adds up the CPU time of
// each. On a shared machine whose speed drifts by 1.5x between runs, the
// ratio of two interleaved measurements is steadier than two runs.
func BenchmarkFastPathVsGeneral(b *testing.B) {
	csv := benchCSV()
	header := bytes.IndexByte(csv, '\n') + 1
	var chunks [][]byte
	for rest := csv[header:]; len(rest) > 0; {
		n := min(len(rest), 2<<20)
		if n < len(rest) {
			n = bytes.LastIndexByte(rest[:n], '\n') + 1
		}
		chunks = append(chunks, append(csv[:header:header], rest[:n]...))
		rest = rest[n:]
	}
	newScanner := func(general bool) func(int, []byte) {
		s := NewColumnScanner(Options{})
		s.general = general
		for i, c := range benchColumns {
			s.AddColumn(i, c.name)
		}
		return s.Observe
	}
	var cellBytes int64
	for _, c := range chunks {
		cellBytes += eachCell(c, freeTextColumn, func(int, []byte) {})
	}
	eachCell(chunks[0], freeTextColumn, newScanner(false)) // warm up
	b.SetBytes(cellBytes)
	b.ResetTimer()
	var used [2]time.Duration // fast, general
	for range b.N {
		fast, general := newScanner(false), newScanner(true)
		for k, c := range chunks {
			for j := range 2 {
				path := (k + j) % 2
				scan := fast
				if path == 1 {
					scan = general
				}
				start := cpuTime()
				eachCell(c, freeTextColumn, scan)
				used[path] += cpuTime() - start
			}
		}
	}
	if used[0] > 0 && used[1] > 0 {
		mb := float64(cellBytes) * float64(b.N) / 1e6
		b.ReportMetric(mb/used[0].Seconds(), "fast-cpu-MB/s")
		b.ReportMetric(mb/used[1].Seconds(), "general-cpu-MB/s")
		b.ReportMetric(used[1].Seconds()/used[0].Seconds(), "speedup")
	}
}
