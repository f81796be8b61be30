package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite docs/cli.md from the commands' help")

const cliDoc = "../../docs/cli.md"

// TestCLIDoc keeps docs/cli.md equal to what the commands say of
// themselves; run with -update after changing a command.
func TestCLIDoc(t *testing.T) {
	got := renderDoc(newRoot(&env{}))
	if *update {
		if err := os.WriteFile(cliDoc, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(cliDoc)
	if err != nil {
		t.Fatalf("%v (run: go test ./internal/cli -run TestCLIDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("docs/cli.md is out of date; run: go test ./internal/cli -run TestCLIDoc -update")
	}
}

func renderDoc(root *cobra.Command) []byte {
	var b bytes.Buffer
	b.WriteString(docHead)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c.Runnable() {
			fmt.Fprintf(&b, "## %s\n\n%s.\n\n", c.CommandPath(), c.Short)
			fmt.Fprintf(&b, "```\n%s\n```\n\n", c.UseLine())
			if c.Long != "" {
				fmt.Fprintf(&b, "%s\n\n", c.Long)
			}
			writeFlags(&b, c.NonInheritedFlags())
			if c.Example != "" {
				fmt.Fprintf(&b, "Examples:\n\n```\n%s\n```\n\n", c.Example)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	fmt.Fprintf(&b, "## Global flags\n\n")
	writeFlags(&b, root.PersistentFlags())
	walk(root)
	return b.Bytes()
}

func writeFlags(b *bytes.Buffer, fs *pflag.FlagSet) {
	var rows []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		def := f.DefValue
		if def == "" || def == "[]" || def == "0" || def == "false" {
			def = ""
		} else {
			def = " (default `" + def + "`)"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s%s |", name, f.Usage, def))
	})
	if len(rows) == 0 {
		return
	}
	b.WriteString("| flag | meaning |\n|---|---|\n" + strings.Join(rows, "\n") + "\n\n")
}

const docHead = `# coffer command-line reference

Generated from the commands' own help by ` + "`go test ./internal/cli -run TestCLIDoc -update`" + `;
a test fails when this file and the help differ. The contract behind it is
shared/design/CLI.md; changes to names, flags, outputs or exit codes are noted in
CHANGELOG.md.

## Exit codes

| code | meaning |
|---|---|
| 0 | success |
| 1 | error: I/O, backend unavailable, bad input file |
| 2 | usage error: unknown flag, missing or invalid argument |
| 3 | denied by policy |
| 4 | integrity failure: tampered, truncated or mismatched data, audit chain broken, a data key that cannot be unwrapped |
| 5 | not found: dataset, version, vault |
| 6 | shredded: the version's data key was destroyed on purpose (reserved for key management) |
| 7 | quality checks failed: ` + "`put`" + ` stored the version but quarantined it (not the latest; see ` + "`coffer quarantine ls`" + `), or ` + "`checks run`" + ` found a failing check (docs/quality.md) |

Every non-zero exit prints one line on stderr, ` + "`coffer: what failed; what to do`" + `.
With ` + "`-o json`" + ` a command prints one JSON document on stdout (JSON Lines for
` + "`audit ls`" + `) and nothing else.

`
