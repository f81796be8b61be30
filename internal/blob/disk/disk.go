package disk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/coffer-vault/coffer/internal/blob"
)

// Disk is a blob.Store on a local directory. It is safe for concurrent use.
type Disk struct {
	root *os.Root
}

var _ blob.Store = (*Disk)(nil)

// New opens the store in dir, creating dir with mode 0700 if it is missing.
func New(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: disk: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: disk: %w", err)
	}
	return &Disk{root: root}, nil
}

// Close releases the directory handle; the Disk must not be used after.
func (d *Disk) Close() error { return d.root.Close() }

// Open opens the object under key.
func (d *Disk) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, keyErr("open", key, err)
	}
	f, err := d.root.Open(key)
	if isMissing(err) {
		return nil, notFound(key)
	}
	if err != nil {
		return nil, keyErr("open", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, keyErr("open", key, err)
	}
	if !fi.Mode().IsRegular() {
		// A directory is the prefix of other keys, not an object.
		f.Close()
		return nil, notFound(key)
	}
	return &object{f: f, size: fi.Size()}, nil
}

// object reads with pread(2), so concurrent ReadAt calls are safe.
type object struct {
	f    *os.File
	size int64
}

func (o *object) ReadAt(p []byte, off int64) (int, error) { return o.f.ReadAt(p, off) }
func (o *object) Size() int64                             { return o.size }
func (o *object) Close() error                            { return o.f.Close() }

// Delete removes the object under key, or the temporary leftover that List
// reported under key.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if _, err := checkListed(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return keyErr("delete", key, err)
	}
	// Lstat first: Remove would also remove an empty directory, which is
	// not an object.
	fi, err := d.root.Lstat(key)
	if isMissing(err) || err == nil && fi.IsDir() {
		return notFound(key)
	}
	if err != nil {
		return keyErr("delete", key, err)
	}
	if err := d.root.Remove(key); err != nil {
		if isMissing(err) {
			return notFound(key)
		}
		return keyErr("delete", key, err)
	}
	if err := d.syncDir(path.Dir(key)); err != nil {
		return keyErr("delete", key, err)
	}
	return nil
}

// List calls fn for every object and every temporary leftover, in lexical
// order. Files and directories whose names no key could produce (such as
// lost+found) are skipped. An error from fn stops the walk and is returned
// as is.
func (d *Disk) List(ctx context.Context, fn func(blob.Info) error) error {
	err := fs.WalkDir(d.root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if e.IsDir() {
			if blob.CheckKey(p) != nil {
				return fs.SkipDir
			}
			return nil
		}
		temp, err := checkListed(p)
		if err != nil || !e.Type().IsRegular() {
			return nil
		}
		fi, err := e.Info()
		if isMissing(err) {
			return nil // deleted while we walked
		}
		if err != nil {
			return err
		}
		if err := fn(blob.Info{Key: p, Size: fi.Size(), ModTime: fi.ModTime(), Temp: temp}); err != nil {
			return &stop{err} // so that WalkDir cannot take it for fs.SkipDir
		}
		return nil
	})
	if s, ok := err.(*stop); ok {
		return s.err
	}
	if err != nil {
		return fmt.Errorf("blob: disk: list: %w", err)
	}
	return nil
}

// stop carries an error from List's fn through fs.WalkDir untouched.
type stop struct{ err error }

func (s *stop) Error() string { return s.err.Error() }

// syncDir fsyncs a directory so that entries added to or removed from it
// survive a crash.
func (d *Disk) syncDir(dir string) error {
	f, err := d.root.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// isMissing reports whether err means the path does not exist, including
// "a/b" when "a" is a file.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func notFound(key string) error {
	return &blob.Error{Msg: "blob: disk: object " + blob.QuoteKey(key) + " not found", Err: blob.ErrNotFound}
}

func keyErr(op, key string, err error) error {
	return fmt.Errorf("blob: disk: %s %s: %w", op, blob.QuoteKey(key), err)
}
