package policy

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// FuzzParse feeds policy files to Parse. It must never panic; a file it
// accepts must round-trip (printed back and parsed again, the same
// policies, printed the same), and Explain must agree with Decide on it.
func FuzzParse(f *testing.F) {
	seeds := 0
	for name, b := range Starter() {
		if strings.HasSuffix(name, ".cedar") || strings.HasSuffix(name, ".disabled") {
			f.Add(b)
			seeds++
		}
	}
	for _, s := range []string{
		`@id("p") permit (principal, action == Coffer::Action::"read", resource) when { principal.clearnce >= 2 };`,
		`@id("t") forbid (principal, action, resource is Coffer::Dataset) when { resource.hasTag("k") && resource.getTag("k") like "a*" };`,
		`@id("i") permit (principal == Coffer::Principal::"dana", action in [Coffer::Action::"read"], resource == Coffer::Dataset::"x");`,
		`@id("d") permit (principal, action, resource) when { context.time > datetime("2026-01-01") && context.weekday != "Sun" };`,
		"@id(\"p\")\npermit (principal, action, resource)\nwhen { principal.role == };",
	} {
		f.Add([]byte(s))
		seeds++
	}
	if seeds == 0 {
		f.Fatal("no seeds")
	}
	reqs := []Request{matrix[0].request(), matrix[1].request(), matrix[30].request()}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse(map[string][]byte{"f.cedar": src})
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a set and an error")
			}
			return
		}
		printed := s.marshal()
		s2, err := Parse(map[string][]byte{"f.cedar": printed})
		if err != nil {
			t.Fatalf("printed policies do not parse: %v\n%s", err, printed)
		}
		if again := s2.marshal(); !bytes.Equal(again, printed) {
			t.Fatalf("round trip changed the policies:\n%s\n---\n%s", printed, again)
		}
		ids := func(s *Set) (out []string) {
			for _, p := range s.Policies() {
				out = append(out, p.ID+" "+p.Effect)
			}
			return out
		}
		if !slices.Equal(ids(s), ids(s2)) {
			t.Fatalf("round trip changed the ids: %v, %v", ids(s), ids(s2))
		}
		for _, req := range reqs {
			checkExplain(t, s, req)
			_ = s.Explain(req).String()
		}
	})
}

// marshal prints the policies of s in Cedar, in order.
func (s *Set) marshal() []byte {
	var b bytes.Buffer
	for _, p := range s.policies {
		b.Write(p.policy.MarshalCedar())
		b.WriteString("\n\n")
	}
	return b.Bytes()
}
