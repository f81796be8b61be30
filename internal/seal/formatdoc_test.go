package seal

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestFormatDocExample checks the worked example in docs/format.md against
// vector "empty", so the spec cannot drift from the code.
func TestFormatDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/format.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), "# coffer.seal/v1\n") {
		t.Error("docs/format.md does not open with the heading coffer.seal/v1")
	}
	example := string(doc[strings.Index(string(doc), "## Worked example"):])
	var v vector
	for _, x := range loadVectors(t).Vectors {
		if x.Name == "empty" {
			v = x
		}
	}
	d := v.Context.Digest()
	salt := unhex(t, v.Salt)
	macKey, _ := hkdf.Key(sha256.New, vectorDEK, salt, headerLabel+string(d[:]), 32)
	payloadKey, _ := hkdf.Key(sha256.New, vectorDEK, salt, payloadLabel+string(d[:]), 32)
	for name, want := range map[string][]byte{
		"canonical": v.Context.Canonical(), "digest": d[:], "mac_key": macKey, "payload_key": payloadKey,
	} {
		if !strings.Contains(example, name+" ") || !strings.Contains(example, hex.EncodeToString(want)) {
			t.Errorf("worked example: %s is not %x", name, want)
		}
	}
	block := example[strings.Index(example, "field by field:"):]
	block = block[strings.Index(block, "```\n")+4:]
	block = block[:strings.Index(block, "```")]
	var obj strings.Builder
	for line := range strings.Lines(block) {
		f := strings.Fields(line)
		obj.WriteString(f[len(f)-1])
	}
	if obj.String() != v.Object {
		t.Errorf("worked example object:\n%s\nvector empty:\n%s", obj.String(), v.Object)
	}
}
