package vault

// A cache of the parsed policies and views for a long-running process (the
// server), where loading them on every request would cost a parse each
// (policy.Load ~1 ms). An entry is used only while the files it was parsed
// from are unchanged: the names, sizes and modification times of the
// policy directory's files and of views.yaml, and a generation counter
// that SetPolicies and SetViews bump. The CLI has no cache and reads the
// files each time, as before.

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/view"
)

type accessCache struct {
	gen   atomic.Int64
	pol   slot[policy.Set]
	views slot[view.Set]
	loads atomic.Int64 // parses done (for tests)
}

// slot holds one parsed value and the signature of the files it was
// parsed from.
type slot[T any] struct {
	mu  sync.Mutex
	sig string
	val *T
}

// get returns the value if it was parsed from files with signature sig
// ("" never matches: unreadable files are not cached).
func (s *slot[T]) get(sig string) *T {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sig != "" && sig == s.sig {
		return s.val
	}
	return nil
}

func (s *slot[T]) put(sig string, val *T) {
	s.mu.Lock()
	s.sig, s.val = sig, val
	s.mu.Unlock()
}

// CacheAccess makes v (and every Vault derived from it afterwards with
// As) keep its parsed policies and views until their files change. It is
// safe for concurrent use; call it once, before serving.
func (v *Vault) CacheAccess() {
	if v.cache == nil {
		v.cache = &accessCache{}
	}
}

// AccessLoads reports how many times policies or views were parsed since
// CacheAccess (0 without a cache).
func (v *Vault) AccessLoads() int64 {
	if v.cache == nil {
		return 0
	}
	return v.cache.loads.Load()
}

// invalidate drops the cached sets (after SetPolicies or SetViews).
func (c *accessCache) invalidate() {
	if c != nil {
		c.gen.Add(1)
	}
}

// dirSig is the signature of the *.cedar files of dir; "" if it cannot
// be read (then nothing is cached).
func (c *accessCache) dirSig(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.FormatInt(c.gen.Load(), 10))
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			return ""
		}
		b.WriteString("|" + e.Name() + ":" + strconv.FormatInt(fi.Size(), 10) + ":" + strconv.FormatInt(fi.ModTime().UnixNano(), 10))
	}
	return b.String()
}

func (c *accessCache) fileSig(path string) string {
	g := strconv.FormatInt(c.gen.Load(), 10)
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return g + "|none"
	}
	if err != nil {
		return ""
	}
	return g + "|" + strconv.FormatInt(fi.Size(), 10) + ":" + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
}

func (c *accessCache) policies(home string) *policy.Set {
	return c.pol.get(c.dirSig(filepath.Join(home, PoliciesDir)))
}

// putPolicies keeps set, parsed from the files as they are now. A file
// changed during the parse changes the signature again, so at worst the
// next request parses once more.
func (c *accessCache) putPolicies(home string, set *policy.Set) {
	c.loads.Add(1)
	c.pol.put(c.dirSig(filepath.Join(home, PoliciesDir)), set)
}

func (c *accessCache) cachedViews(home string) *view.Set {
	return c.views.get(c.fileSig(filepath.Join(home, ViewsFile)))
}

func (c *accessCache) putViews(home string, set *view.Set) {
	c.loads.Add(1)
	c.views.put(c.fileSig(filepath.Join(home, ViewsFile)), set)
}
