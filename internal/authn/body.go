package authn

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// MaxChunk bounds one aws-chunked chunk, so that a chunk can be held and
// verified before any of it is released.
const MaxChunk = 16 << 20

// maxLine bounds a chunk header or trailer line.
const maxLine = 4096

// Body returns r's payload as the client meant it: the raw body for
// UNSIGNED-PAYLOAD, the body checked against its declared SHA-256 (the
// error comes at the end, before io.EOF), or the decoded aws-chunked
// stream, each chunk's signature and any trailing checksum verified.
func (v *Verified) Body(r *http.Request) (io.Reader, error) {
	switch v.PayloadHash {
	case UnsignedPayload:
		return r.Body, nil
	case StreamingPayload, StreamingPayloadTrail, StreamingUnsignedTrail:
		return v.chunked(r)
	}
	want, _ := hex.DecodeString(v.PayloadHash)
	return &hashReader{r: r.Body, h: sha256.New(), want: want}, nil
}

// DecodedLength returns the payload's length without aws-chunked framing.
func DecodedLength(r *http.Request) (int64, bool) {
	if s := r.Header.Get("X-Amz-Decoded-Content-Length"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0
	}
	return r.ContentLength, r.ContentLength >= 0
}

// ErrPayloadHash is the error of a payload that differs from its signed hash.
var ErrPayloadHash = &SigError{Code: "XAmzContentSHA256Mismatch", Msg: "the payload does not match its x-amz-content-sha256"}

type hashReader struct {
	r    io.Reader
	h    hash.Hash
	want []byte
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	if err == io.EOF && !hmac.Equal(h.h.Sum(nil), h.want) {
		return n, ErrPayloadHash
	}
	return n, err
}

func (v *Verified) chunked(r *http.Request) (io.Reader, error) {
	n, ok := DecodedLength(r)
	if !ok || r.Header.Get("X-Amz-Decoded-Content-Length") == "" {
		return nil, sigErr("MissingContentLength", "x-amz-decoded-content-length is required with aws-chunked payloads")
	}
	c := &ChunkReader{br: bufio.NewReaderSize(r.Body, 64<<10), want: n, trailing: v.PayloadHash != StreamingPayload}
	if v.PayloadHash != StreamingUnsignedTrail {
		c.sig = v
		c.prev = v.seed
	}
	if c.trailing {
		name := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Amz-Trailer")))
		if name != "" {
			sum, err := checksum(name)
			if err != nil {
				return nil, err
			}
			c.sumName, c.sum = name, sum
		}
	}
	return c, nil
}

func checksum(name string) (hash.Hash, error) {
	switch name {
	case "x-amz-checksum-crc32":
		return crc32.NewIEEE(), nil
	case "x-amz-checksum-crc32c":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli)), nil
	case "x-amz-checksum-sha1":
		return sha1.New(), nil
	case "x-amz-checksum-sha256":
		return sha256.New(), nil
	}
	return nil, sigErr("InvalidRequest", "trailing checksum %q is not supported", trunc(name))
}

// ChunkReader decodes an aws-chunked body. Use NewChunkReader for an
// unsigned stream (tests, fuzzing); Verified.Body makes signed ones.
type ChunkReader struct {
	br       *bufio.Reader
	sig      *Verified // nil: chunks carry no signature
	prev     []byte    // previous signature in the chain
	trailing bool      // trailers follow the last chunk
	sumName  string
	sum      hash.Hash
	want, n  int64 // decoded length declared, decoded so far
	buf      []byte
	pos      int
	done     bool
	err      error
}

// NewChunkReader decodes an unsigned aws-chunked stream of want bytes
// whose trailers may carry a checksum named by trailer.
func NewChunkReader(r io.Reader, want int64, trailer string) (*ChunkReader, error) {
	c := &ChunkReader{br: bufio.NewReaderSize(r, 64<<10), want: want, trailing: true}
	if trailer != "" {
		sum, err := checksum(trailer)
		if err != nil {
			return nil, err
		}
		c.sumName, c.sum = trailer, sum
	}
	return c, nil
}

func (c *ChunkReader) Read(p []byte) (int, error) {
	for c.pos == len(c.buf) {
		if c.err != nil {
			return 0, c.err
		}
		if c.done {
			return 0, io.EOF
		}
		if c.err = c.next(); c.err != nil {
			return 0, c.err
		}
	}
	n := copy(p, c.buf[c.pos:])
	c.pos += n
	return n, nil
}

func malformed(what string) error { return sigErr("IncompleteBody", "aws-chunked body: %s", what) }

func (c *ChunkReader) line() (string, error) {
	var b []byte
	for {
		part, isPrefix, err := c.br.ReadLine()
		if err != nil {
			if err == io.EOF {
				return "", malformed("ends early")
			}
			return "", err
		}
		b = append(b, part...)
		if len(b) > maxLine {
			return "", malformed("line too long")
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// next reads and verifies one chunk into c.buf.
func (c *ChunkReader) next() error {
	ln, err := c.line()
	if err != nil {
		return err
	}
	sizeHex, ext, hasExt := strings.Cut(ln, ";")
	size, err := strconv.ParseInt(sizeHex, 16, 64)
	if err != nil || size < 0 || len(sizeHex) > 8 || size > MaxChunk {
		return malformed("bad chunk size")
	}
	var sig []byte
	if c.sig != nil {
		s, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !hasExt || !ok || len(s) != 64 {
			return malformed("chunk signature missing")
		}
		if sig, err = hex.DecodeString(s); err != nil {
			return malformed("chunk signature not hex")
		}
	} else if hasExt {
		return malformed("unexpected chunk extension")
	}
	if size > c.want-c.n {
		return malformed("more data than x-amz-decoded-content-length")
	}
	if cap(c.buf) < int(size) {
		c.buf = make([]byte, size)
	}
	c.buf, c.pos = c.buf[:size], 0
	if _, err := io.ReadFull(c.br, c.buf); err != nil {
		return malformed("chunk data ends early")
	}
	if c.sig != nil {
		if err := c.verify(sig, c.buf); err != nil {
			return err
		}
	}
	if size == 0 {
		return c.finish()
	}
	if crlf, err := c.line(); err != nil || crlf != "" {
		return malformed("chunk data not followed by CRLF")
	}
	if c.sum != nil {
		c.sum.Write(c.buf)
	}
	c.n += size
	return nil
}

func (c *ChunkReader) verify(sig, data []byte) error {
	h := sha256.Sum256(data)
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.sig.Time.UTC().Format(amzDate) + "\n" + c.sig.Cred.scope() + "\n" +
		hex.EncodeToString(c.prev) + "\n" + emptySHA256 + "\n" + hex.EncodeToString(h[:])
	want := hmacSHA256(c.sig.key, []byte(sts))
	if !hmac.Equal(want, sig) {
		return sigErr("SignatureDoesNotMatch", "an aws-chunked chunk signature does not match")
	}
	c.prev = want
	return nil
}

// finish reads what follows the last chunk: a CRLF, or trailers and a CRLF.
func (c *ChunkReader) finish() error {
	if c.n != c.want {
		return malformed("less data than x-amz-decoded-content-length")
	}
	var trailers []string
	var trailerSig string
	for {
		ln, err := c.line()
		if err != nil {
			return err
		}
		if ln == "" {
			break
		}
		if !c.trailing || len(trailers) > 8 {
			return malformed("unexpected trailer")
		}
		k, v, ok := strings.Cut(ln, ":")
		if !ok {
			return malformed("bad trailer")
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "x-amz-trailer-signature" {
			trailerSig = strings.TrimSpace(v)
			continue
		}
		trailers = append(trailers, k+":"+strings.TrimSpace(v))
		if c.sum != nil && k == c.sumName {
			want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
			if err != nil || !bytes.Equal(want, c.sum.Sum(nil)) {
				return sigErr("BadDigest", "the %s trailer does not match the payload", c.sumName)
			}
			c.sumName = "" // seen
		}
	}
	if c.sum != nil && c.sumName != "" {
		return malformed("declared trailing checksum missing")
	}
	if c.sig != nil && c.trailing {
		if err := c.verifyTrailer(trailers, trailerSig); err != nil {
			return err
		}
	}
	if _, err := c.br.ReadByte(); err != io.EOF {
		return malformed("data after the last chunk")
	}
	c.done = true
	return nil
}

func (c *ChunkReader) verifyTrailer(trailers []string, sigHex string) error {
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != 32 {
		return malformed("trailer signature missing")
	}
	var canon string
	for _, t := range trailers {
		canon += t + "\n"
	}
	h := sha256.Sum256([]byte(canon))
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + c.sig.Time.UTC().Format(amzDate) + "\n" + c.sig.Cred.scope() + "\n" +
		hex.EncodeToString(c.prev) + "\n" + hex.EncodeToString(h[:])
	if !hmac.Equal(hmacSHA256(c.sig.key, []byte(sts)), sig) {
		return sigErr("SignatureDoesNotMatch", "the trailer signature does not match")
	}
	return nil
}

// IsPayloadError reports an error of the payload's own checks.
func IsPayloadError(err error) bool {
	var se *SigError
	return errors.As(err, &se)
}
