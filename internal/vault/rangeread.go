package vault

import (
	"context"
	"io"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/seal"
)

// GetRange streams n plaintext bytes of ref starting at off to w,
// decrypting and authenticating only the chunks the range touches. It is
// a read: authorized as Get is, and refused (fault.Invalid) when views
// transform the version for v's caller, since ranges are over the stored
// bytes. The range must lie within the version (off+n <= Size); the
// whole-version SHA-256 is not checked, each chunk's authentication is.
// Audited as a get with the range in its detail.
func (v *Vault) GetRange(ctx context.Context, ref Ref, off, n int64, w io.Writer) (catalog.Version, error) {
	rd, err := v.OpenRead(ctx, ref, policy.Read)
	if err != nil {
		return rd.Version(), err
	}
	return rd.Version(), rd.WriteRange(ctx, off, n, w)
}

// rangeBuf bounds the memory of one range read.
const rangeBuf = 256 << 10

func (v *Vault) copyRange(ctx context.Context, ver catalog.Version, off, n int64, w io.Writer) error {
	if !ver.Shredded.IsZero() {
		return shreddedErr(ver)
	}
	obj, err := v.blobs.Open(ctx, ver.BlobKey)
	if err != nil {
		return integrityOrOther(ver, err)
	}
	defer obj.Close()
	dek, err := v.keys.Unwrap(ctx, ver.WrappedDEK, wrapContext(&ver))
	if err != nil {
		return unwrapErr(ver, err)
	}
	ra, err := seal.NewReaderAt(obj, obj.Size(), dek.Bytes(), sealContext(&ver))
	dek.Zero()
	if err != nil {
		return integrityOrOther(ver, err)
	}
	buf := make([]byte, min(n, rangeBuf))
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		k := min(int64(len(buf)), n)
		got, err := ra.ReadAt(buf[:k], off)
		if int64(got) < k {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return integrityOrOther(ver, err)
		}
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		off, n = off+k, n-k
	}
	return nil
}
