package tabular

import (
	"bytes"
	"fmt"
	"io"
)

// input is the buffered, line-oriented source the text readers share. It
// owns one buffer that grows up to the record limit and no further, and
// reuses it for the life of the reader, so reading allocates nothing per
// record.
type input struct {
	src    io.Reader
	format string
	max    int // MaxRecordBytes

	buf        []byte
	start, end int // unread input is buf[start:end]
	eof        bool
	line       int64 // lines before buf[start]
}

const inputBufSize = 64 << 10

// init takes head (bytes already read from src) as the first input and
// strips a UTF-8 byte-order mark.
func (in *input) init(src io.Reader, head []byte, format string, maxRecord int) error {
	in.src, in.format, in.max = src, format, maxRecord
	in.buf = make([]byte, max(inputBufSize, len(head)))
	in.end = copy(in.buf, head)
	for in.end < len(utf8BOM) && !in.eof {
		if err := in.fill(); err != nil {
			return err
		}
	}
	if bytes.HasPrefix(in.buf[:in.end], utf8BOM) {
		in.start = len(utf8BOM)
	}
	return nil
}

func (in *input) errorf(line int64, lim bool, format string, args ...any) *Error {
	e := &Error{Format: in.format, Line: line, Msg: fmt.Sprintf(format, args...), Err: ErrMalformed}
	if lim {
		e.Err = ErrLimit
	}
	return e
}

func (in *input) tooLong(line int64) error {
	return in.errorf(line, true, "record longer than %d bytes", in.max)
}

// fill reads more input after buf[end], first moving the unread bytes to
// the front and, when the buffer is full, doubling it up to the record
// limit plus room for a CRLF.
func (in *input) fill() error {
	if in.start > 0 {
		in.end = copy(in.buf, in.buf[in.start:in.end])
		in.start = 0
	}
	if in.end == len(in.buf) {
		limit := in.max + 2
		if len(in.buf) >= limit {
			return in.tooLong(in.line + 1)
		}
		nb := make([]byte, min(2*len(in.buf), limit))
		copy(nb, in.buf[:in.end])
		in.buf = nb
	}
	// A reader may return 0, nil; give it a bounded number of chances.
	for range 100 {
		n, err := in.src.Read(in.buf[in.end:])
		in.end += n
		if err == io.EOF {
			in.eof = true
			return nil
		}
		if err != nil {
			return &Error{Format: in.format, Line: in.line + 1, Msg: "read", Err: err}
		}
		if n > 0 {
			return nil
		}
	}
	return &Error{Format: in.format, Line: in.line + 1, Msg: "read", Err: io.ErrNoProgress}
}

// nextLine returns the next line without its "\n" and a "\r" before it,
// and how many bytes to consume to pass it; io.EOF when no input is left.
// The line stays valid until the next fill.
func (in *input) nextLine() (line []byte, consumed int, err error) {
	scanned := 0 // bytes after start known to hold no '\n'
	for {
		data := in.buf[in.start:in.end]
		i := bytes.IndexByte(data[scanned:], '\n')
		switch {
		case i >= 0:
			line, consumed = data[:scanned+i], scanned+i+1
		case in.eof && len(data) == 0:
			return nil, 0, io.EOF
		case in.eof:
			line, consumed = data, len(data)
		default:
			if len(data) > in.max+1 {
				return nil, 0, in.tooLong(in.line + 1)
			}
			scanned = len(data)
			if err := in.fill(); err != nil {
				return nil, 0, err
			}
			continue
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > in.max {
			return nil, 0, in.tooLong(in.line + 1)
		}
		return line, consumed, nil
	}
}
