// Package seal implements coffer.seal/v1, the encrypted object format of
// coffer: an authenticated header followed by a chunked AES-256-GCM stream.
// docs/format.md specifies it byte by byte; testdata/ holds vectors.
//
// A data key (DEK, 32 bytes) seals exactly one object. From it, a random
// salt and the SHA-256 digest of the object's encryption Context, HKDF-SHA256
// derives a header MAC key and a payload key. Each chunk's nonce carries the
// chunk counter and a last-chunk flag.
//
// API:
//
//	NewWriter(dst, dek, ctx, opts) -> io.WriteCloser   (Close writes the last chunk)
//	NewReader(src, dek, ctx)       -> io.Reader        (streams; header checked first)
//	NewReaderAt(src, size, dek, ctx) -> *ReaderAt      (random access, decrypts only touched chunks)
//	ParseHeader(b)                 -> *Header
//
// # Security
//
// seal guarantees that a reader holding the right DEK and Context either
// returns exactly the plaintext that was written, in order and complete, or
// fails with an error matching ErrIntegrity: a changed header byte fails
// before any plaintext is released; a changed, dropped, reordered, swapped or
// appended chunk and a truncation at or inside any chunk boundary all fail;
// an object sealed for another Context (another dataset or version) fails.
// A streaming Reader may release the plaintext of chunks that authenticated
// before a later chunk fails; callers that must not keep partial output write
// to a temporary file and rename only after io.EOF.
//
// seal does not hide the plaintext length (to within a chunk) and does not
// protect the DEK: wrapping it is the job of package kms.
package seal
