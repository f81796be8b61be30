package disk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/coffer-vault/coffer/internal/blob"
)

const (
	tempPrefix  = ".tmp-"
	tempRandLen = 12 // random bytes in a temporary name, hex-encoded
	copyBuf     = 256 << 10
)

// Put streams r into a new object under key and returns its size. It fails
// with blob.ErrExist if key holds an object, and leaves nothing behind on
// any error or when ctx is canceled (it then returns 0).
func (d *Disk) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := blob.CheckKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, keyErr("put", key, err)
	}
	// Fail before streaming what may be gigabytes; link below decides.
	if err := d.checkFree(key); err != nil {
		return 0, err
	}
	dir := path.Dir(key)
	parents, err := d.mkdirs(key, dir)
	if err != nil {
		return 0, err
	}
	tmp, n, err := d.writeTemp(ctx, dir, r)
	if err != nil {
		return 0, keyErr("put", key, err)
	}
	if err := d.publish(ctx, tmp, key); err != nil {
		d.root.Remove(tmp)
		return 0, err
	}
	if err := d.syncAll(append(parents, dir)); err != nil {
		// The object may not survive a crash: report failure, and take it
		// back so that a failed Put leaves nothing, as promised.
		d.root.Remove(key)
		return 0, keyErr("put", key, err)
	}
	return n, nil
}

// checkFree fails if key is already an object, or a directory holding
// other objects.
func (d *Disk) checkFree(key string) error {
	fi, err := d.root.Lstat(key)
	switch {
	case isMissing(err):
		return nil
	case err != nil:
		return keyErr("put", key, err)
	case fi.IsDir():
		return fmt.Errorf("blob: disk: put %s: key is a prefix of other objects", blob.QuoteKey(key))
	default:
		return exists(key)
	}
}

func exists(key string) error {
	return &blob.Error{Msg: "blob: disk: object " + blob.QuoteKey(key) + " already exists", Err: blob.ErrExist}
}

// mkdirs creates dir (slash-separated, "." for the root) one level at a
// time and returns the parents of the directories it created: their new
// entries must be synced too.
func (d *Disk) mkdirs(key, dir string) ([]string, error) {
	if dir == "." {
		return nil, nil
	}
	var parents []string
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		p := dir[:i]
		err := d.root.Mkdir(p, 0o700)
		if err == nil {
			parents = append(parents, path.Dir(p))
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, keyErr("put", key, err)
		}
		// Lstat, not Stat: we never create symbolic links, so one here
		// was planted and is refused.
		fi, err := d.root.Lstat(p)
		if err != nil {
			return nil, keyErr("put", key, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("blob: disk: put %s: %q is an object, so it cannot be a prefix", blob.QuoteKey(key), p)
		}
	}
	return parents, nil
}

// writeTemp streams r into a new temporary file in dir and fsyncs it. On
// error the temporary file is removed.
func (d *Disk) writeTemp(ctx context.Context, dir string, r io.Reader) (string, int64, error) {
	tmp, f, err := d.createTemp(dir)
	if err != nil {
		return "", 0, err
	}
	n, err := fill(ctx, f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		d.root.Remove(tmp)
		return "", 0, err
	}
	return tmp, n, nil
}

func (d *Disk) createTemp(dir string) (string, *os.File, error) {
	for range 3 {
		name := path.Join(dir, tempName())
		f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // 96 random bits collided; try another
		}
		return name, f, err
	}
	return "", nil, errors.New("cannot create a temporary file")
}

func tempName() string {
	b := make([]byte, tempRandLen)
	rand.Read(b) // never fails (crypto/rand)
	return tempPrefix + hex.EncodeToString(b)
}

// fill copies r to w in pieces, checking ctx between them so that a
// canceled Put stops without waiting for the source to end.
func fill(ctx context.Context, w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, copyBuf)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := r.Read(buf)
		if m < 0 || m > len(buf) {
			return n, errors.New("reading source: invalid count from Read")
		}
		if _, err := w.Write(buf[:m]); err != nil {
			return n, err
		}
		n += int64(m)
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, fmt.Errorf("reading source: %w", rerr)
		}
	}
}

// publish makes tmp visible as key. link(2) fails if key exists, so unlike
// rename it never replaces an object, even under a concurrent Put.
func (d *Disk) publish(ctx context.Context, tmp, key string) error {
	if err := ctx.Err(); err != nil {
		return keyErr("put", key, err)
	}
	if err := d.root.Link(tmp, key); err != nil {
		if errors.Is(err, fs.ErrExist) {
			if err := d.checkFree(key); err != nil {
				return err // names a prefix conflict
			}
			return exists(key) // deleted since; it still existed when we linked
		}
		return keyErr("put", key, err)
	}
	// A leftover temporary name would be harmless (List reports it), so
	// only the link decides success.
	d.root.Remove(tmp)
	return nil
}

// syncAll fsyncs each distinct directory in dirs.
func (d *Disk) syncAll(dirs []string) error {
	seen := make(map[string]bool, len(dirs))
	for _, dir := range dirs {
		if seen[dir] {
			continue
		}
		seen[dir] = true
		if err := d.syncDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// checkListed checks a key given to Delete: an object key, or the key of a
// temporary leftover as List reports it (an object directory followed by a
// temporary name). It reports which one it is.
func checkListed(key string) (temp bool, err error) {
	dir, name := path.Split(key)
	if !isTempName(name) {
		return false, blob.CheckKey(key)
	}
	if dir == "" {
		return true, nil
	}
	return true, blob.CheckKey(strings.TrimSuffix(dir, "/"))
}

func isTempName(name string) bool {
	h, ok := strings.CutPrefix(name, tempPrefix)
	if !ok || len(h) != 2*tempRandLen {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
