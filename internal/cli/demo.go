package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

func demoCmd(e *env) *cobra.Command {
	var keep bool
	var rows int
	c := &cobra.Command{
		Use:   "demo",
		Short: "An end-to-end tour in a temporary vault",
		Long: `Create a temporary vault, generate a sample customer table with personal
fields, store it, read it back, verify it, tamper with one stored byte and
watch coffer catch it. Each step is explained. --home is not touched.`,
		Example: "  coffer demo\n  coffer demo --keep --rows 100000",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if rows < 1 || rows > 10_000_000 {
				return fault.E(fault.Invalid, "--rows %d is outside 1..10000000", rows)
			}
			dir, err := os.MkdirTemp("", "coffer-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			d := &demo{env: e, dir: dir, home: filepath.Join(dir, "vault"), rows: rows}
			if err := d.run(); err != nil {
				return err
			}
			if keep {
				fmt.Fprintf(e.stdout, "\nThe demo vault is kept in %s (try: coffer --home %s ls)\n", d.home, d.home)
			}
			return nil
		}),
	}
	c.Flags().BoolVar(&keep, "keep", false, "keep the temporary vault and files")
	c.Flags().IntVar(&rows, "rows", 20000, "rows in the sample table")
	return c
}

type demo struct {
	*env
	dir, home string
	rows      int
	step      int
}

func (d *demo) say(title, text string) {
	d.step++
	fmt.Fprintf(d.stdout, "\n%d. %s\n", d.step, title)
	for _, l := range strings.Split(text, "\n") {
		fmt.Fprintf(d.stdout, "   %s\n", l)
	}
}

func (d *demo) run() error {
	d.say("A vault", "coffer init creates a vault: a keyring sealed by a root key file (0600),\na catalog (SQLite here, PostgreSQL in production), a directory of encrypted\nblobs and a hash-chained audit log, all in one 0700 directory:\n"+d.home)
	if err := vault.Init(d.ctx, d.home, vault.InitOptions{}); err != nil {
		return err
	}
	v, err := vault.Open(d.ctx, d.home)
	if err != nil {
		return err
	}
	defer v.Close()
	src := filepath.Join(d.dir, "customers.csv")
	sample, err := writeSample(src, d.rows)
	if err != nil {
		return err
	}
	d.say("Sample data with personal fields", fmt.Sprintf("Generated %s: %d synthetic customers with names, e-mail addresses,\nphone numbers and dates of birth, e.g. %s.", src, d.rows, maskEmail(sample)))
	sum, err := fileSHA256(src)
	if err != nil {
		return err
	}
	ver, err := d.put(v, src)
	if err != nil {
		return err
	}
	d.say("Put", fmt.Sprintf("The file was read once and streamed through SHA-256 and AES-256-GCM under a\nfresh data key, wrapped by the keyring's key %s. Stored as version %d:\n  sha256 %s (%s, format %s, %s)",
		ver.KeyID, ver.Number, hex.EncodeToString(ver.SHA256), humanize.IBytes(uint64(ver.Size)), ver.Format, ver.Classification))
	blobPath, err := findBlob(d.home, ver.ID)
	if err != nil {
		return err
	}
	if err := d.showCiphertext(blobPath, sample); err != nil {
		return err
	}
	if err := d.getBack(v, sum); err != nil {
		return err
	}
	if err := d.access(v); err != nil {
		return err
	}
	return d.tamper(v, blobPath, ver.Number)
}

func (d *demo) put(v *vault.Vault, src string) (catalog.Version, error) {
	f, err := os.Open(src)
	if err != nil {
		return catalog.Version{}, err
	}
	defer f.Close()
	return v.Put(d.ctx, "customers", f, vault.PutOptions{
		Classification: "confidential", Department: "marketing", Tags: map[string]string{"domain": "customers"}, Source: src})
}

func (d *demo) showCiphertext(blobPath, sample string) error {
	b, err := os.ReadFile(blobPath)
	if err != nil {
		return err
	}
	found := bytes.Contains(b, []byte(sample))
	d.say("Only ciphertext on disk", fmt.Sprintf("The stored object %s\nis %s of ciphertext; the e-mail address %s appears in it: %v.\nThe data key is kept only in wrapped form in the catalog.",
		strings.TrimPrefix(blobPath, d.home+string(os.PathSeparator)), humanize.IBytes(uint64(len(b))), maskEmail(sample), found))
	if found {
		return fault.E(fault.Integrity, "demo: plaintext found in the stored object")
	}
	return nil
}

func (d *demo) getBack(v *vault.Vault, want []byte) error {
	out := filepath.Join(d.dir, "customers-out.csv")
	if _, err := v.GetFile(d.ctx, vault.Ref{Name: "customers"}, out, nil); err != nil {
		return err
	}
	got, err := fileSHA256(out)
	if err != nil {
		return err
	}
	d.say("Get", fmt.Sprintf("coffer get decrypted and authenticated every 64 KiB chunk and the SHA-256\nof the whole version: the copy is byte-identical (%v).", bytes.Equal(got, want)))
	if !bytes.Equal(got, want) {
		return fault.E(fault.Integrity, "demo: the copy differs from the original")
	}
	rep, err := v.Verify(d.ctx, nil)
	if err != nil {
		return err
	}
	d.say("Verify", fmt.Sprintf("coffer verify re-read every stored version: %d checked, %d failed.", len(rep.Checks), rep.Failed))
	return nil
}

// access shows policies and views: a marketing analyst reads the table
// through the starter view, and a read for an undeclared purpose is denied.
func (d *demo) access(v *vault.Vault) error {
	bob := catalog.Principal{ID: "bob", Role: "analyst", Department: "marketing", Clearance: 2, Groups: []string{"marketing-analytics"}}
	if _, err := v.AddPrincipal(d.ctx, bob); err != nil {
		return err
	}
	ref := vault.Ref{Name: "customers"}
	var out bytes.Buffer
	if _, err := v.As("bob", "marketing").Get(d.ctx, ref, &out); err != nil {
		return err
	}
	header, rest, _ := strings.Cut(out.String(), "\n")
	first, _, _ := strings.Cut(rest, "\n")
	rows := strings.Count(rest, "\n")
	d.say("Policies and views", fmt.Sprintf("bob, a clearance-2 marketing analyst, reads customers for the purpose\n\"marketing\". The Cedar policies allow it; the starter view (views.yaml) lets\nthrough only marketing rows, drops the name and e-mail columns and rounds\nrevenue to thousands: %d of %d rows, with the columns\n  %s\ne.g.\n  %s",
		rows, d.rows, header, first))
	_, err := v.As("bob", "fun").Get(d.ctx, ref, io.Discard)
	if fault.KindOf(err) != fault.Denied {
		return fault.E(fault.Other, "demo: a read for an undeclared purpose was not denied (%v)", err)
	}
	d.say("Purpose binding", fmt.Sprintf("The same read for the purpose \"fun\" is denied (exit code %d), and no byte is\nwritten:\n  coffer: %s", fault.Denied.ExitCode(), oneLine(err.Error())))
	return nil
}

func (d *demo) tamper(v *vault.Vault, blobPath string, number int64) error {
	if err := flipByte(blobPath); err != nil {
		return err
	}
	_, err := v.Get(d.ctx, vault.Ref{Name: "customers", Version: number}, io.Discard)
	if fault.KindOf(err) != fault.Integrity {
		return fault.E(fault.Other, "demo: a flipped byte was not detected (%v)", err)
	}
	d.say("Tampering is caught", fmt.Sprintf("One byte in the middle of the stored object was flipped on disk. coffer get\nrefuses it (exit code %d):\n  coffer: %s", fault.Integrity.ExitCode(), oneLine(err.Error())))
	sum, err := v.VerifyAudit(d.ctx)
	if err != nil {
		return err
	}
	d.say("Audit log", fmt.Sprintf("Every step above is in the hash-chained audit log: %d records, chain intact.\nNo record holds data values or keys. See: coffer audit ls", sum.Records))
	return nil
}

func writeSample(path string, rows int) (string, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(1, 2))
	first := []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"}
	last := []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Berners-Lee"}
	cities := []string{"Leeds", "Lyon", "Porto", "Utrecht", "Graz", "Turku", "Cork", "Gdansk"}
	depts := []string{"marketing", "sales", "support"}
	fmt.Fprintln(w, "customer_id,name,email,phone,date_of_birth,city,department,revenue")
	var sample string
	for i := 1; i <= rows; i++ {
		fn, ln := first[r.IntN(len(first))], last[r.IntN(len(last))]
		email := fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(fn), strings.ToLower(ln), i)
		if i == rows/2+1 {
			sample = email
		}
		fmt.Fprintf(w, "C%07d,%s %s,%s,+44 7700 %06d,%d-%02d-%02d,%s,%s,%d\n", i, fn, ln, email, r.IntN(1_000_000),
			1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28), cities[r.IntN(len(cities))], depts[r.IntN(len(depts))], 1000+r.IntN(250_000))
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	return sample, f.Close()
}

func maskEmail(s string) string {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return "***"
	}
	return local[:1] + "***@" + domain
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// findBlob locates a version's object in the default blob directory.
func findBlob(home, id string) (string, error) {
	var found string
	err := filepath.WalkDir(filepath.Join(home, "blobs"), func(p string, de fs.DirEntry, err error) error {
		if err == nil && !de.IsDir() && de.Name() == id {
			found = p
		}
		return err
	})
	if err == nil && found == "" {
		err = errors.New("demo: stored object not found")
	}
	return found, err
}

func flipByte(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	b := make([]byte, 1)
	off := st.Size() / 2
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0x01
	_, err = f.WriteAt(b, off)
	return err
}
