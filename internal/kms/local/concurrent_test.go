package local

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// TestConcurrentInstances changes one keyring through two instances at
// once, as two processes would: no change may be lost.
func TestConcurrentInstances(t *testing.T) {
	ctx := context.Background()
	a, dir := create(t)
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	var wg sync.WaitGroup
	for i, k := range []*Keyring{a, b} {
		wg.Go(func() {
			for j := range n {
				if _, err := k.CreateKEK(ctx, fmt.Sprintf("kek-%d-%d", i, j)); err != nil {
					t.Errorf("CreateKEK = %v", err)
				}
				if _, err := k.Rotate(ctx, kms.DefaultKEK); err != nil {
					t.Errorf("Rotate = %v", err)
				}
			}
		})
	}
	wg.Wait()
	checkAllChanges(t, dir, 2*n, 2*n)
}

func checkAllChanges(t *testing.T, dir string, keks, rotations int) {
	t.Helper()
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ks, _ := k.ListKEKs(context.Background())
	if len(ks) != keks+1 {
		t.Fatalf("%d KEKs after the concurrent changes, want %d: a change was lost", len(ks), keks+1)
	}
	if d := ks[0]; d.Name != kms.DefaultKEK || len(d.Versions) != rotations+1 || d.Primary != uint32(rotations+1) {
		t.Fatalf("default has %d versions, primary %d; want %d: a rotation was lost", len(d.Versions), d.Primary, rotations+1)
	}
}

// TestConcurrentProcesses runs the same changes from child processes.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	_, dir := create(t)
	const procs, n = 3, 6
	var cmds []*exec.Cmd
	for i := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "COFFER_KMS_HELPER="+dir, "COFFER_KMS_HELPER_ID="+strconv.Itoa(i), "COFFER_KMS_HELPER_N="+strconv.Itoa(n))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("helper %d: %s", i, out.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper process: %v", err)
		}
	}
	checkAllChanges(t, dir, procs*n, procs*n)
}

// TestHelperProcess is the child of TestConcurrentProcesses.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("COFFER_KMS_HELPER")
	if dir == "" {
		t.Skip("helper process only")
	}
	n, _ := strconv.Atoi(os.Getenv("COFFER_KMS_HELPER_N"))
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for j := range n {
		if _, err := k.CreateKEK(ctx, fmt.Sprintf("proc-%s-%d", os.Getenv("COFFER_KMS_HELPER_ID"), j)); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Rotate(ctx, kms.DefaultKEK); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDestroyRemovesMaterial checks that a destroyed version's material is
// gone from the keyring file and from the contents that held it.
func TestDestroyRemovesMaterial(t *testing.T) {
	ctx := context.Background()
	k, dir := create(t)
	root, _ := os.ReadFile(filepath.Join(dir, RootKeyFile))
	before := decrypted(t, dir, root)
	material := bytes.Clone(before.KEKs[0].Versions[0].Material)
	k.Rotate(ctx, kms.DefaultKEK)
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := k.ScheduleDeletion(ctx, kms.DefaultKEK, 1, 7, day); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Destroy(ctx, kms.DefaultKEK, 1, day.AddDate(0, 0, 7)); err != nil {
		t.Fatal(err)
	}
	after := decrypted(t, dir, root)
	v := after.KEKs[0].Versions[0]
	if v.State != "destroyed" || v.Material != nil || v.Destroyed.IsZero() || v.DeletionDate.IsZero() {
		t.Fatalf("destroyed version in the file: %+v", v)
	}
	sealed, _ := os.ReadFile(filepath.Join(dir, KeyringFile))
	plain, _ := openFile(root, sealed)
	for _, form := range [][]byte{material, []byte(fmt.Sprint(material))} {
		if bytes.Contains(plain, form) {
			t.Fatal("the keyring file still holds the destroyed material")
		}
	}
	kmstest.CheckNoSecret(t, string(plain), material)

	doc := versionDoc{Material: bytes.Clone(material)}
	held := doc.Material
	doc.destroy(day)
	if doc.Material != nil || !bytes.Equal(held, make([]byte, len(held))) {
		t.Fatal("destroy did not zero the material it held")
	}
}

func decrypted(t *testing.T, dir string, root []byte) *contents {
	t.Helper()
	sealed, _ := os.ReadFile(filepath.Join(dir, KeyringFile))
	c, err := openContents(root, sealed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLockWaitsForContext holds the lock and checks that a change waits
// for it, giving up when its context ends.
func TestLockWaitsForContext(t *testing.T) {
	k, dir := create(t)
	unlock, err := lockDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := k.Rotate(ctx, kms.DefaultKEK); err == nil {
		t.Fatal("Rotate succeeded while another holder had the lock")
	}
	unlock()
	if _, err := k.Rotate(context.Background(), kms.DefaultKEK); err != nil {
		t.Fatalf("Rotate after the lock was released = %v", err)
	}
	for _, name := range []string{LockFile, KeyringFile} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want mode 0600", name, err)
		}
	}
}
