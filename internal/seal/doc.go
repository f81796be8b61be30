// Package seal implements coffer.seal/v1, the encrypted object format of
// coffer: an authenticated header followed by a chunked AES-256-GCM stream.
// docs/format.md specifies it byte by byte; testdata/vectors.json holds
// vectors that a second implementation can check itself against.
//
// A data key (DEK, 32 bytes) seals exactly one object. From it, a random
// salt and the SHA-256 digest of the object's encryption Context, HKDF-SHA256
// derives a header MAC key and a payload key. Each chunk's nonce carries the
// chunk counter and a last-chunk flag.
//
// API:
//
//	NewWriter(dst, dek, ctx, opts)   -> io.WriteCloser (header now; Close writes the last chunk; an io.ReaderFrom too)
//	NewReader(src, dek, ctx)         -> io.Reader      (streams; header checked first; an io.WriterTo too)
//	NewReaderAt(src, size, dek, ctx) -> *ReaderAt      (random access, decrypts only touched chunks)
//	EncryptedSize(plaintext, chunkSize), HeaderSize    (sizes, for range requests and checks)
//	ParseHeader(b) -> *Header, (*Header).MarshalBinary (no authentication)
//	Context.Canonical, Context.Digest                  (the context encoding, also kms's AAD)
//
// The streams copy no more than their callers make them: Write seals the
// caller's full chunks straight from its slice, Read opens a chunk
// straight into the caller's slice when it can take all of it, and io.Copy
// into a Writer (ReadFrom) reads into the chunk buffer and seals there.
// io.Copy out of a Reader (WriteTo) opens chunks straight from the
// source's memory when the source is an io.WriterTo such as a bytes.Reader,
// and otherwise reads them into the chunk buffer.
//
// Every failure that says an object is not what was written matches
// ErrIntegrity and is an *Error that names the chunk (or -1 for the
// header); I/O errors of the underlying reader or writer are wrapped with
// %w and do not match ErrIntegrity.
//
// # Security
//
// seal guarantees that a reader holding the right DEK and Context either
// returns exactly the plaintext that was written, in order and complete, or
// fails with an error matching ErrIntegrity: a changed header byte fails
// before any plaintext is released; a changed, dropped, reordered, swapped,
// duplicated or appended chunk and a truncation at or inside any chunk
// boundary all fail; an object sealed for another Context (another dataset
// or version) fails. A chunk's plaintext is released only after its tag
// verified, and a chunk that fails reads the same whatever was changed in
// it, so errors are no oracle. Errors never hold key or plaintext bytes.
//
// A streaming Reader may release the plaintext of chunks that authenticated
// before a later chunk fails; callers that must not keep partial output write
// to a temporary file and rename only after io.EOF. A ReaderAt authenticates
// the header and the last chunk when it is made, so its Size is authentic,
// and then each chunk that a ReadAt touches; chunks never read are never
// checked.
//
// seal does not hide the plaintext length (the object's size gives it
// exactly) or the Context (its digest is in the header; contexts are not
// secret), and does not protect the DEK: wrapping it is the job of package
// kms. It expects one DEK per object, as coffer's envelope encryption
// gives: a reused DEK repeats no key or nonce (the random salt sees to
// that), but one unwrapped key would then open, or shred, several objects.
package seal
