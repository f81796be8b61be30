package vault

import (
	"bufio"
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coffer-vault/coffer/internal/classify"
	"github.com/coffer-vault/coffer/internal/fault"
)

// Formats are the dataset formats put accepts.
var Formats = []string{"csv", "tsv", "jsonl", "parquet", "blob"}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,7}$`)

// CheckName validates a dataset name: slash-separated segments of letters,
// digits, '.', '_' and '-', each starting with a letter or digit.
func CheckName(name string) error {
	if !nameRE.MatchString(name) {
		return fault.E(fault.Invalid, "dataset name %q is invalid", name).
			WithHint("use letters, digits, '.', '_', '-', optionally in '/'-separated segments (e.g. sales/customers-2026)")
	}
	return nil
}

// Ref names a dataset and optionally a version.
type Ref struct {
	Name    string
	Version int64 // 0: latest
}

func (r Ref) String() string {
	if r.Version == 0 {
		return r.Name
	}
	return r.Name + "@" + strconv.FormatInt(r.Version, 10)
}

// ParseRef parses NAME or NAME@VERSION.
func ParseRef(s string) (Ref, error) {
	name, ver, hasVer := strings.Cut(s, "@")
	if err := CheckName(name); err != nil {
		return Ref{}, err
	}
	if !hasVer {
		return Ref{Name: name}, nil
	}
	n, err := strconv.ParseInt(ver, 10, 64)
	if err != nil || n < 1 || ver[0] < '1' || ver[0] > '9' {
		return Ref{}, fault.E(fault.Invalid, "version %q in %q is not a positive number", ver, s).
			WithHint("write NAME@VERSION, e.g. %s@1", name)
	}
	return Ref{Name: name, Version: n}, nil
}

func checkFormat(f string) error {
	for _, ok := range Formats {
		if f == ok {
			return nil
		}
	}
	return fault.E(fault.Invalid, "format %q is unknown", f).WithHint("use one of %s", strings.Join(Formats, ", "))
}

func checkLevel(l string) error {
	if classify.Rank(l) < 0 {
		return fault.E(fault.Invalid, "classification %q is unknown", l).WithHint("use one of %s", strings.Join(classify.Levels, ", "))
	}
	return nil
}

// sniff guesses the format of a dataset from its first bytes.
func sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("PAR1")) {
		return "parquet"
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if len(head) == 0 || bytes.IndexByte(head, 0) >= 0 {
		return "blob"
	}
	line, _, _ := bufio.NewReader(bytes.NewReader(head)).ReadLine()
	if !utf8.Valid(line) {
		return "blob"
	}
	if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '{' && json.Valid(t) {
		return "jsonl"
	}
	tabs, commas := bytes.Count(line, []byte("\t")), bytes.Count(line, []byte(","))
	switch {
	case tabs > 0 && tabs >= commas:
		return "tsv"
	case commas > 0:
		return "csv"
	}
	return "blob"
}
