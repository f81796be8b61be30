package remote

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/coffer-vault/coffer/internal/kms"
)

// AuditKeyFile is the file, in the keys directory, that holds the audit
// chain's HMAC key wrapped by the external KMS.
const AuditKeyFile = "audit.key"

// The audit key file (docs/kms-remote.md): auditMagic, then a wrapped key
// in the envelope of a data key, under labelAudit and auditAAD.
const (
	auditMagic   = "coffer-remote-audit-key\x01"
	auditAAD     = "audit.key"
	maxAuditFile = len(auditMagic) + 2 + maxNameLen + 2 + maxCiphertext
)

// ErrSealed is matched (errors.Is) when the audit key file cannot be
// unwrapped: the URL names another KMS key, or the file was changed. The
// cases read the same: no oracle.
var ErrSealed = errors.New("wrong KMS key or tampered audit key file")

// createAuditKey makes a random audit key, wraps it with the KMS, checks
// that the KMS unwraps it again (a key the KMS may encrypt with but not
// decrypt with would lose everything), and writes it to dir (0600), never
// replacing a file.
func (b *backend) createAuditKey(ctx context.Context, dir string) error {
	audit := kms.NewDEK().Bytes()
	defer clear(audit)
	w, err := b.wrap(ctx, labelAudit, audit, []byte(auditAAD))
	if err != nil {
		return err
	}
	if err := b.openAuditKey(ctx, append([]byte(auditMagic), w...)); err != nil {
		return fmt.Errorf("kms: the external KMS %s cannot unwrap what it wrapped: %w", b.url.redacted, err)
	}
	if subtle.ConstantTimeCompare(b.audit, audit) != 1 {
		return fmt.Errorf("%w: %s: decrypt returned another key than was encrypted", ErrProvider, b.url.redacted)
	}
	path := filepath.Join(dir, AuditKeyFile)
	if err := writeNew(path, append([]byte(auditMagic), w...)); err != nil {
		return fmt.Errorf("kms: audit key: %w", err)
	}
	return nil
}

// loadAuditKey reads and unwraps dir/audit.key.
func (b *backend) loadAuditKey(ctx context.Context, dir string) error {
	path := filepath.Join(dir, AuditKeyFile)
	data, err := readBounded(path, maxAuditFile)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("kms: %s not found; the vault may not be initialised (run: coffer init)", path)
	}
	if err != nil {
		return fmt.Errorf("kms: audit key: %w", err)
	}
	if err := b.openAuditKey(ctx, data); err != nil {
		return fmt.Errorf("kms: audit key %s cannot be opened: %w", path, err)
	}
	return nil
}

// openAuditKey unwraps the contents of an audit key file into b.audit.
func (b *backend) openAuditKey(ctx context.Context, data []byte) error {
	if len(data) < len(auditMagic) || string(data[:len(auditMagic)]) != auditMagic {
		return ErrSealed
	}
	key, err := b.unwrap(ctx, labelAudit, data[len(auditMagic):], []byte(auditAAD))
	var other *unknownKEK
	switch {
	case errors.As(err, &other):
		return fmt.Errorf("%w: it names KEK %s, this keyring's is %s (open it with the name it was created with)", ErrSealed, other.id, b.keyID())
	case errors.Is(err, kms.ErrUnwrap):
		return ErrSealed
	case err != nil:
		return err
	}
	b.audit = key
	return nil
}

// readBounded reads at most limit bytes of path, refusing a longer file.
func readBounded(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b, nil
}

// writeNew writes data to path through a temporary file in the same
// directory (0600, fsynced), hard-linked into place so that an existing
// file is never replaced, then fsyncs the directory.
func writeNew(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; refusing to overwrite it", path)
	} else if err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
