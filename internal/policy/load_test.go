package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
)

func writeStarter(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range Starter() {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadStarter(t *testing.T) {
	dir := writeStarter(t)
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(starter) = %v", err)
	}
	want := []string{"admin-role", "allowed-groups", "allowed-purposes", "clearance-read",
		"no-restricted-export-by-data-scientists", "operator", "owner-read", "quarantine", "restricted-same-department", "write"}
	var got []string
	for _, p := range s.Policies() {
		got = append(got, p.ID)
		if p.Description == "" || p.Line < 1 || !strings.HasSuffix(p.File, ".cedar") {
			t.Errorf("policy %q: %+v lacks description, line or file", p.ID, p)
		}
		if p.ID == "business-hours" {
			t.Errorf("the disabled business-hours policy was loaded")
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Policies() = %v, want %v", got, want)
	}
	if len(s.Files()) != len(want) {
		t.Errorf("Files() has %d files, want %d", len(s.Files()), len(want))
	}
	// Enabling business hours is a rename.
	if err := os.Rename(filepath.Join(dir, "business-hours.cedar.disabled"), filepath.Join(dir, "business-hours.cedar")); err != nil {
		t.Fatal(err)
	}
	s, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Policies()); n != len(want)+1 {
		t.Errorf("after enabling business hours: %d policies, want %d", n, len(want)+1)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "coffer init") {
		t.Errorf("Load(missing dir) = %v, want an error that says to run coffer init", err)
	}
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("x"), 0o600)
	if _, err := Load(empty); !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "no *.cedar files") {
		t.Errorf("Load(dir without policies) = %v", err)
	}
	big := writeStarter(t)
	os.WriteFile(filepath.Join(big, "big.cedar"), make([]byte, maxFileSize+1), 0o600)
	if _, err := Load(big); !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Load(dir with a huge file) = %v", err)
	}
	bad := writeStarter(t)
	os.WriteFile(filepath.Join(bad, "bad.cedar"), []byte("@id(\"x\")\npermit (principal, action, resource)\nwhen { principal.rank > 1 };\n"), 0o600)
	if _, err := Load(bad); !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "bad.cedar:1") {
		t.Errorf("Load(dir with a bad file) = %v", err)
	}
}

// TestRefusals: policies that do not fit coffer's schema are refused with
// file:line and what is wrong.
func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown principal attribute", `// ok
@id("p")
permit (principal, action == Coffer::Action::"read", resource)
when { principal.clearnce >= 2 };`, []string{"bad.cedar:2", `"p"`, "clearnce"}},
		{"unknown resource attribute", `@id("p")
permit (principal, action == Coffer::Action::"read", resource is Coffer::Dataset)
when { resource.sensitivity == "high" };`, []string{"bad.cedar:1", "sensitivity"}},
		{"unknown context attribute", `@id("p")
forbid (principal, action == Coffer::Action::"read", resource)
unless { context.purpse == "research" };`, []string{"bad.cedar:1", "purpse"}},
		{"unknown action", `@id("p")
permit (principal, action == Coffer::Action::"reed", resource);`, []string{"bad.cedar:1", "unrecognized action", `Coffer::Action::"reed"`}},
		{"action without namespace", `@id("p")
permit (principal, action == Action::"read", resource);`, []string{"bad.cedar:1", "unrecognized action"}},
		{"misspelled entity type", `@id("p")
permit (principal, action, resource is Coffer::Datset);`, []string{"bad.cedar:1", "unrecognized entity type", "Coffer::Datset"}},
		{"misspelled principal type in a condition", `@id("p")
permit (principal, action, resource) when { principal is Coffer::User };`, []string{"bad.cedar:1", "Coffer::User"}},
		{"type error", `@id("p")
permit (principal, action == Coffer::Action::"read", resource)
when { principal.clearance == "3" || principal.clearance > "2" };`, []string{"bad.cedar:1"}},
		{"attribute the vault lacks", `@id("p")
permit (principal, action == Coffer::Action::"admin", resource)
when { resource.clearance > 1 };`, []string{"bad.cedar:1", "Coffer::Vault", "clearance"}},
		{"missing id", `permit (principal, action, resource) when { principal.role == "x" };`, []string{"bad.cedar:1", "no @id"}},
		{"bad id", `@id("has space")
permit (principal, action, resource) when { principal.role == "x" };`, []string{"bad.cedar:1", "must be"}},
		{"duplicate id", `@id("operator")
permit (principal, action, resource) when { principal.role == "x" };`, []string{"bad.cedar:1", `@id("operator") is used twice`, "operator.cedar:3"}},
		{"syntax error", "@id(\"p\")\npermit (principal, action, resource)\nwhen { principal.role == };", []string{"syntax error", "bad.cedar:3:27"}},
		{"no policy", "// nothing here\n", []string{"bad.cedar", "no policy"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := Starter()
			files["bad.cedar"] = []byte(c.src)
			s, err := Parse(files)
			if err == nil {
				t.Fatalf("Parse accepted %q: %v", c.src, s.Policies())
			}
			if !fault.Is(err, fault.Invalid) {
				t.Errorf("error kind %v, want Invalid", fault.KindOf(err))
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") || !strings.Contains(msg, "coffer policy validate") {
				t.Errorf("error %q is not one line with what to do", msg)
			}
		})
	}
}

func TestDescriptionAnnotation(t *testing.T) {
	s, err := Parse(map[string][]byte{"a.cedar": []byte(`// the comment
@id("a")
@description("the annotation wins")
permit (principal, action == Coffer::Action::"read", resource) when { principal.role == "x" };

// first line
// second line
@id("b")
permit (principal, action == Coffer::Action::"read", resource) when { principal.role == "y" };`)})
	if err != nil {
		t.Fatal(err)
	}
	ps := s.Policies()
	if len(ps) != 2 || ps[0].Description != "the annotation wins" || ps[1].Description != "first line second line" || ps[1].Line != 8 {
		t.Errorf("Policies() = %+v", ps)
	}
}

func TestSchemaAndStarter(t *testing.T) {
	if !strings.Contains(string(Schema()), "namespace Coffer") {
		t.Errorf("Schema() does not look like coffer's schema")
	}
	st := Starter()
	if string(st[SchemaFile]) != string(Schema()) {
		t.Errorf("Starter()[%s] differs from Schema()", SchemaFile)
	}
	for name, b := range st {
		if strings.HasSuffix(name, ".cedar") && strings.Count(string(b), "@id(") != 1 {
			t.Errorf("%s: want exactly one policy with an @id", name)
		}
	}
	// Starter returns copies: changing them does not change the next call.
	st["operator.cedar"] = nil
	if len(Starter()["operator.cedar"]) == 0 {
		t.Errorf("Starter shares its maps")
	}
}

func TestManyProblems(t *testing.T) {
	files := map[string][]byte{}
	for i := range 8 {
		files[fmt.Sprintf("p%d.cedar", i)] = []byte(`permit (principal, action, resource);`)
	}
	_, err := Parse(files)
	if err == nil || !strings.Contains(err.Error(), "(and 3 more)") || strings.Count(err.Error(), "no @id") != 5 {
		t.Errorf("Parse(8 policies without ids) = %v, want 5 problems and (and 3 more)", err)
	}
}

func TestLoadSymlink(t *testing.T) {
	src := writeStarter(t)
	dir := t.TempDir()
	for name := range Starter() {
		if err := os.Symlink(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "sub.cedar"), 0o700)
	s, err := Load(dir)
	if err != nil || len(s.Policies()) != 10 {
		t.Fatalf("Load(dir of symlinks) = %v", err)
	}
}
