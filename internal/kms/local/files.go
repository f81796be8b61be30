package local

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// File names inside a keyring directory.
const (
	RootKeyFile = "root.key"
	KeyringFile = "keyring"
	LockFile    = "keyring.lock" // flock(2) target of every change
)

func notInitialised(path string) error {
	return fmt.Errorf("kms: %s not found; the vault may not be initialised (run: coffer init)", path)
}

// readRootKey reads the 32-byte root key, refusing a file that anyone but
// its owner may read or write. The caller zeroes the result.
func readRootKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notInitialised(path)
	}
	if err != nil {
		return nil, fmt.Errorf("kms: root key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat() // the opened file, not the name: no race with a swap
	if err != nil {
		return nil, fmt.Errorf("kms: root key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("kms: root key %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("kms: root key %s is accessible by group or others (mode %04o); run: chmod 600 %s", path, perm, path)
	}
	// One byte more than a key, to tell a longer file from a key.
	b := make([]byte, keySize+1)
	n, err := io.ReadFull(f, b)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		clear(b)
		return nil, fmt.Errorf("kms: root key: %w", err)
	}
	if n != keySize {
		clear(b)
		return nil, fmt.Errorf("kms: root key %s is not a %d-byte key", path, keySize)
	}
	return b[:keySize], nil
}

// readKeyring reads the sealed keyring file, bounded by maxKeyringFile.
func readKeyring(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notInitialised(path)
	}
	if err != nil {
		return nil, fmt.Errorf("kms: keyring: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyringFile+1))
	if err != nil {
		return nil, fmt.Errorf("kms: keyring: %w", err)
	}
	if len(b) > maxKeyringFile {
		return nil, fmt.Errorf("kms: keyring %s cannot be opened: larger than %d bytes", path, maxKeyringFile)
	}
	return b, nil
}

// writeRootKey creates path with mode 0600; it never replaces a file.
func writeRootKey(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("kms: root key %s already exists; refusing to overwrite it", path)
	}
	if err != nil {
		return fmt.Errorf("kms: root key: %w", err)
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("kms: root key: %w", err)
	}
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory (mode 0600, fsynced), so that path holds either the old or the
// new bytes after a crash. With replace false it fails if path exists.
func writeAtomic(path string, data []byte, replace bool) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
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
	if replace {
		err = os.Rename(tmp, path)
	} else if err = os.Link(tmp, path); err == nil {
		os.Remove(tmp)
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
