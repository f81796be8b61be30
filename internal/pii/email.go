package pii

import "bytes"

// emailStrength validates b as one whole e-mail address: a dot-atom local
// part of at most 64 bytes, one '@', and a domain of at least two labels
// whose last is alphabetic (or an IDNA xn-- label) and not a file
// extension (so "icon@2x.png" is not an address). Quoted local parts and
// address literals ("a@[10.0.0.1]") are not recognized.
func emailStrength(b []byte) float32 {
	// A second '@' is in the domain, which emailDomain rejects (a byte
	// that is not a host name's): no second search for it.
	at := bytes.IndexByte(b, '@')
	if at < 1 || at > 64 || len(b)-at-1 < 4 || len(b) > 254 {
		return 0
	}
	if !emailLocal(b[:at]) || !emailDomain(b[at+1:]) {
		return 0
	}
	return 0.95
}

// localChars are the bytes of a dot-atom local part: letters, digits,
// "!#$%&'*+/=?^_`{|}~-" and '.', and UTF-8 (RFC 6531).
var localChars = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isAlnum(byte(c)) || c >= 0x80 || indexByte("!#$%&'*+/=?^_`{|}~-.", byte(c)) >= 0
	}
	return t
}()

func emailLocal(l []byte) bool {
	// By table, without a branch per byte: a byte that is not a local
	// part's, or a dot after a dot (prev starts as a dot, so a leading
	// dot counts; a trailing one is the check after the loop).
	bad, prev := uint8(0), uint8(1)
	for _, c := range l {
		k := localBytes[c]
		bad |= k>>1 | (k & prev)
		prev = k & 1
	}
	return bad|prev == 0
}

// localBytes: 0 for a byte of a local part but '.', 1 for '.', 2 for a
// byte that is not a local part's.
var localBytes = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '.':
			t[c] = 1
		case !localChars[c]:
			t[c] = 2
		}
	}
	return t
}()

// emailDomain checks a host name as used in e-mail addresses and URLs:
// labels of letters, digits, '-' and UTF-8, of 1 to 63 bytes, not
// starting or ending with '-', at least two of them, the last a
// top-level domain (tld).
func emailDomain(d []byte) bool {
	if len(d) > 63 {
		return emailDomainLoop(d)
	}
	// Under 64 bytes no label is too long, and the rest is a property of
	// each pair of neighbouring bytes, checked by table without a branch
	// per byte: prev starts as a dot, so a leading '.' or '-' counts, and
	// after the loop a trailing one does.
	// At least two labels: a dot, found by the search for the last
	// label's.
	bad, prev := uint8(0), uint8(domDot)
	for _, c := range d {
		k := domBytes[c]
		bad |= domPairs[prev<<2|k]
		prev = k
	}
	if bad|domPairs[prev<<2|domDot] != 0 {
		return false
	}
	dot := bytes.LastIndexByte(d, '.')
	return dot >= 0 && tld(d[dot+1:])
}

// Host name bytes for emailDomain's table: a letter, digit or UTF-8 byte,
// '-', '.', any other.
const (
	domChar = iota
	domDash
	domDot
	domBad
)

var domBytes = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '.':
			t[c] = domDot
		case c == '-':
			t[c] = domDash
		case isAlnum(byte(c)) || c >= 0x80:
			t[c] = domChar
		default:
			t[c] = domBad
		}
	}
	return t
}()

// domPairs[prev<<2|next] is 1 when the byte pair cannot occur in a host
// name: a bad byte, two dots (an empty label), and a dash next to a dot
// (a label starting or ending with '-').
var domPairs = func() (t [16]uint8) {
	for prev := range 4 {
		for next := range 4 {
			if prev == domBad || next == domBad || (prev == domDot && next != domChar) || (prev == domDash && next == domDot) {
				t[prev<<2|next] = 1
			}
		}
	}
	return t
}()

// emailDomainLoop is emailDomain label by label, for any length.
func emailDomainLoop(d []byte) bool {
	if len(d) > 253 {
		return false
	}
	labels, start := 0, 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			if !isAlnum(c) && c != '-' && c < 0x80 {
				return false
			}
			continue
		}
		if !hostLabel(d[start:i]) {
			return false
		}
		labels++
		if i == len(d) {
			return labels >= 2 && tld(d[start:])
		}
		start = i + 1
	}
	return false
}

func hostLabel(l []byte) bool {
	return len(l) >= 1 && len(l) <= 63 && l[0] != '-' && l[len(l)-1] != '-'
}

func tld(l []byte) bool {
	if hasPrefixFold(l, "xn--") && len(l) > 4 {
		return true
	}
	if len(l) < 2 || len(l) > 24 || !allOf(l, cAlpha) {
		return false
	}
	return fileExtTable.get(l) == 0
}

var fileExtTable = func() *wordTable {
	m := map[string]uint16{}
	for ext := range fileExtensions {
		m[ext] = 1
	}
	return newWordTable(m)
}()

// fileExtensions are common file name extensions that are not top-level
// domains; "logo@2x.png" or "report.final.docx" are not addresses.
var fileExtensions = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true, "bmp": true,
	"ico": true, "tif": true, "tiff": true, "css": true, "js": true, "ts": true, "json": true,
	"xml": true, "yml": true, "yaml": true, "toml": true, "ini": true, "cfg": true, "txt": true,
	"csv": true, "tsv": true, "log": true, "md": true, "pdf": true, "doc": true, "docx": true,
	"xls": true, "xlsx": true, "ppt": true, "pptx": true, "zip": true, "gz": true, "tgz": true,
	"bz2": true, "xz": true, "tar": true, "rar": true, "exe": true, "dll": true, "so": true,
	"bin": true, "py": true, "go": true, "rs": true, "java": true, "rb": true, "php": true,
	"sh": true, "bat": true, "html": true, "htm": true, "jsx": true, "tsx": true, "mp3": true,
	"mp4": true, "mov": true, "avi": true, "wav": true, "flac": true, "ogg": true,
	"parquet": true, "avro": true, "pkl": true, "pt": true, "onnx": true, "h5": true, "npy": true,
	"npz": true, "ckpt": true, "lock": true, "bak": true, "tmp": true,
}
