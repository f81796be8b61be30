package s3api

import "github.com/coffer-vault/coffer/internal/catalog"

// ParseRange exposes parseRange to the external tests.
var ParseRange = parseRange

// SpoolDir exposes the spool directory.
func (h *Handler) SpoolDir() string { return h.spoolDir() }

// Page exposes the ListObjects paging: the keys and prefixes of one page.
func Page(names []string, ns, prefix, delim, after string, max int) (keys, prefixes []string, truncated bool, last string) {
	var ds []catalog.Dataset
	for _, n := range names {
		ds = append(ds, catalog.Dataset{Name: n})
	}
	objs, ps, tr, l := page(ds, ns, prefix, delim, after, max)
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	return keys, ps, tr, l
}

// ErrorOf exposes the S3 error code and HTTP status err is answered with.
func ErrorOf(err error) (code string, status int) {
	e := toS3(err)
	return e.Code, statusOf[e.Code]
}
