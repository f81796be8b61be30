package seal_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"log"

	"github.com/coffer-vault/coffer/internal/seal"
)

func Example() {
	dek := make([]byte, seal.DEKSize)
	rand.Read(dek) // in coffer, package kms makes and wraps the DEK
	c := seal.Context{"dataset": "census", "version": "3"}

	var obj bytes.Buffer
	w, err := seal.NewWriter(&obj, dek, c, nil)
	if err != nil {
		log.Fatal(err)
	}
	io.WriteString(w, "id,age\n1,34\n")
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := seal.NewReader(bytes.NewReader(obj.Bytes()), dek, c)
	if err != nil {
		log.Fatal(err)
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q, %d bytes sealed\n", pt, obj.Len())

	_, err = seal.NewReader(bytes.NewReader(obj.Bytes()), dek, seal.Context{"dataset": "census", "version": "4"})
	fmt.Println(err)
	// Output:
	// "id,age\n1,34\n", 151 bytes sealed
	// seal: object was sealed for a different context
}
