package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/coffer-vault/coffer/internal/cli"
	"github.com/coffer-vault/coffer/internal/tabular"
)

// TestMain lets the test binary act as coffer: in testscript scripts (as the
// command "coffer") and for process tests that set COFFER_TEST_AS_MAIN.
func TestMain(m *testing.M) {
	if os.Getenv("COFFER_TEST_AS_MAIN") == "1" {
		os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"coffer": func() { os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/*.txtar: each
// asserts stdout, the stderr line and the exit code of real invocations.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"flipbyte": flipByte,
			"mkdata":   mkData,
			"mkpii":    mkPII,
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("COFFER_HOME", filepath.Join(e.WorkDir, "vault"))
			return nil
		},
	})
}

// flipbyte DIR OFFSET flips one bit of byte OFFSET (negative: from the end)
// in every regular file under DIR.
func flipByte(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: flipbyte DIR OFFSET")
	}
	off, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	n := 0
	err = filepath.Walk(ts.MkAbs(args[0]), func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		o := off
		if o < 0 {
			o += int64(len(b))
		}
		b[o] ^= 0x01
		n++
		return os.WriteFile(p, b, fi.Mode())
	})
	ts.Check(err)
	if n == 0 {
		ts.Fatalf("flipbyte: no file under %s", args[0])
	}
}

// mkdata FILE ROWS writes a CSV file with ROWS rows of synthetic people.
func mkData(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkdata FILE ROWS")
	}
	rows, err := strconv.Atoi(args[1])
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	fmt.Fprintln(f, "id,name,email,city")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(f, "%d,Person %d,person%d@example.com,City %d\n", i, i, i, i%17)
	}
}

// mkpii FILE ROWS FORMAT writes a table with US SSNs, card numbers and
// e-mail addresses in format csv, jsonl or parquet.
func mkPII(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: mkpii FILE ROWS FORMAT")
	}
	rows, err := strconv.Atoi(args[1])
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	cols := []tabular.Column{{Name: "id"}, {Name: "ssn"}, {Name: "card"}, {Name: "email"}}
	for i := range cols {
		cols[i].Path, cols[i].Type = []string{cols[i].Name}, tabular.String
	}
	w, err := tabular.NewWriter(f, args[2], cols, nil)
	ts.Check(err)
	cards := []string{"4111111111111111", "5500005555555559", "340000000000009", "6011000990139424"}
	for i := 0; i < rows; i++ {
		ssn := fmt.Sprintf("%03d-%02d-%04d", 100+i%500, 10+i%80, 1000+i)
		row := tabular.Row{tabular.StringValue([]byte(strconv.Itoa(i))), tabular.StringValue([]byte(ssn)),
			tabular.StringValue([]byte(cards[i%len(cards)])), tabular.StringValue([]byte(fmt.Sprintf("user%d@example.org", i)))}
		ts.Check(w.Write(row))
	}
	ts.Check(w.Close())
}
