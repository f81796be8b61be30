package view

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
)

// view wraps one view's fields (indented by 4) into a file.
func oneView(body string) string {
	return "version: 1\nviews:\n  - id: v1\n" + body
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"yaml", "version: 1\nviews: [", "views.yaml: not valid YAML"},
		{"not a mapping", "- a\n- b\n", "views.yaml:1: the file must be a mapping"},
		{"no version", "views: []\n", "missing version"},
		{"version 2", "version: 2\nviews: []\n", `views.yaml:1: version "2" is not supported; use version: 1`},
		{"version text", "version: \"1\"\nviews: []\n", "is not supported"},
		{"top field", "version: 1\nview: []\n", `views.yaml:2: unknown field "view"`},
		{"views not list", "version: 1\nviews: {}\n", "views must be a list"},
		{"view not mapping", "version: 1\nviews:\n  - x\n", "a view must be a mapping"},
		{"no id", "version: 1\nviews:\n  - when: 'true'\n", "views.yaml:3: view without an id"},
		{"bad id", "version: 1\nviews:\n  - id: 'a b'\n", "views.yaml:3: bad view id"},
		{"dup id", "version: 1\nviews:\n  - id: a\n  - id: a\n", `views.yaml:4: view "a": duplicate id (first at line 3)`},
		{"unknown field", oneView("    colums: []\n"), `views.yaml:4: view "v1": unknown field "colums"`},
		{"description", oneView("    description: [a]\n"), "description must be text"},
		{"when empty", oneView("    when: ''\n"), "when must be a CEL expression"},
		{"when syntax", oneView("    when: principal.role ==\n"), `views.yaml:4: view "v1": when: line 1, column`},
		{"when undeclared", oneView("    when: user.role == 'x'\n"), "undeclared reference to 'user'"},
		{"when row", oneView("    when: row.a == 'x'\n"), "undeclared reference to 'row'"},
		{"when not bool", oneView("    when: principal.clearance\n"), "when: is a dyn, not a bool"},
		{"when string", oneView("    when: purpose\n"), "is a string, not a bool"},
		{"principal field", oneView("    when: principal.dept == 'x'\n"), `principal has no field "dept"`},
		{"dataset field", oneView("    when: dataset.owner == 'x'\n"), `dataset has no field "owner"`},
		{"rows not bool", oneView("    rows: row.a\n"), "rows: is a dyn, not a bool"},
		{"rows syntax", oneView("    rows: row.a = 1\n"), "rows: line 1"},
		{"rows field", oneView("    rows: row.a == principal.name\n"), `principal has no field "name"`},
		{"columns not list", oneView("    columns: {name: a}\n"), "columns must be a list"},
		{"rule not mapping", oneView("    columns: [a]\n"), "a column rule must be a mapping"},
		{"rule field", oneView("    columns:\n      - nme: a\n        action: drop\n"), `views.yaml:5: view "v1": unknown field "nme" in a column rule`},
		{"rule no action", oneView("    columns:\n      - name: a\n"), "column rule without an action"},
		{"rule no selector", oneView("    columns:\n      - action: drop\n"), "column rule that matches no column"},
		{"bad action", oneView("    columns:\n      - name: a\n        action: mask\n"), `views.yaml:6: view "v1": unknown action "mask"`},
		{"bad param", oneView("    columns:\n      - name: a\n        action: round(0)\n"), "N must be an integer"},
		{"bad edges", oneView("    columns:\n      - name: a\n        action: bin(3, 1)\n"), "strictly ascending"},
		{"action list", oneView("    columns:\n      - name: a\n        action: [drop]\n"), "action must be text"},
		{"bad glob", oneView("    columns:\n      - name: '[a'\n        action: drop\n"), `name "[a": bad glob`},
		{"bad pii", oneView("    columns:\n      - pii: EMAL\n        action: drop\n"), `pii "EMAL": unknown PII type`},
		{"empty tag", oneView("    columns:\n      - tag: ''\n        action: drop\n"), "tag must be text"},
		{"nested list", oneView("    columns:\n      - name: [[a]]\n        action: drop\n"), "name must be text or a list of text"},
		{"dup top key", "version: 1\nviews: []\nviews: []\n", `views.yaml:3: field "views" given twice`},
		{"dup view key", oneView("    columns: [{name: a, action: drop}]\n    columns: []\n"), `views.yaml:5: field "columns" given twice`},
		{"dup rule key", oneView("    columns:\n      - name: a\n        action: drop\n        action: hash\n"), `views.yaml:7: view "v1": field "action" given twice`},
		{"too big", "version: 1\n#" + strings.Repeat("x", MaxFileSize), "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("views.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("Parse accepted\n%s", tc.src)
			}
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Invalid {
				t.Errorf("error %v is not fault.Invalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	for _, src := range []string{
		"",
		"# only a comment\n",
		"version: 1\n",
		"version: 1\nviews:\n",
		"version: 1\nviews: []\n",
		oneView("    description: always applies\n    columns:\n      - name: ssn\n        action: null\n"),
		oneView("    when: |\n      principal.clearance >= 3 &&\n      'ml' in principal.groups\n    rows: row.region in ['EU', 'US'] && row['address.city'] != 'Paris'\n"),
		oneView("    columns:\n      - name: [a, 'b*']\n        pii: [email, PERSON]\n        tag: [Finance]\n        action: partial(4)\n"),
	} {
		if _, err := Parse("views.yaml", []byte(src)); err != nil {
			t.Errorf("Parse(%q) = %v", src, err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(filepath.Join(dir, "views.yaml"))
	if err != nil || len(s.IDs()) != 0 {
		t.Fatalf("Load(missing) = %v, %v; want an empty set", s, err)
	}
	file := filepath.Join(dir, "views.yaml")
	if err := os.WriteFile(file, Starter(), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err = Load(file); err != nil || len(s.IDs()) != 1 {
		t.Fatalf("Load(starter) = %v, %v", s.IDs(), err)
	}
	if err := os.WriteFile(file, []byte("version: 1\nviews:\n  - id: a\n    when: nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "views.yaml:4") {
		t.Fatalf("Load(bad) = %v", err)
	}
}
