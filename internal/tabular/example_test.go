package tabular_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// Read a CSV whose delimiter is sniffed, and write it back as JSON Lines.
func Example() {
	src := strings.NewReader("name;city\nZoë;\"Berlin; DE\"\nPat;Dublin\n")
	r, err := tabular.Open(src, "", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := tabular.NewWriter(os.Stdout, tabular.JSONL, r.Columns(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := w.Write(row); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%s, delimiter %q\n", r.Format(), r.Options().Delimiter)
	// Output:
	// {"name":"Zoë","city":"Berlin; DE"}
	// {"name":"Pat","city":"Dublin"}
	// csv, delimiter ';'
}

// JSON Lines objects flatten to one column per key path; arrays stay whole.
func ExampleReader_jsonl() {
	src := strings.NewReader(`{"id":7,"address":{"city":"Paris"},"tags":["a","b"]}` + "\n")
	r, _ := tabular.Open(src, tabular.JSONL, nil)
	row, _ := r.Read()
	for i, c := range r.Columns() {
		fmt.Printf("%s %v %s\n", c.Name, c.Type, row[i].AppendText(nil))
	}
	// Output:
	// id int 7
	// address.city string Paris
	// tags json ["a","b"]
}

// Errors name the line and field, never the cell.
func ExampleError() {
	r, _ := tabular.Open(strings.NewReader("ssn,name\n\"078-05-1120,Ann\n"), tabular.CSV, nil)
	_, err := r.Read()
	fmt.Println(err)
	// Output:
	// tabular: csv line 2, field 1: unterminated quoted field
}
