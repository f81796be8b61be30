package s3api

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
)

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type bucketXML struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
}

type listBucketsXML struct {
	XMLName xml.Name    `xml:"ListAllMyBucketsResult"`
	NS      string      `xml:"xmlns,attr"`
	Owner   ownerXML    `xml:"Owner"`
	Buckets []bucketXML `xml:"Buckets>Bucket"`
}

type ownerXML struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

// listBuckets lists the namespaces: the first segments of the names of
// the datasets the caller may see, created when their first dataset was.
func (h *Handler) listBuckets(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	ds, err := h.b.Datasets(r.Context(), c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	first := map[string]time.Time{}
	for _, d := range ds {
		b, _, ok := strings.Cut(d.Name, "/")
		if !ok || !bucketRE.MatchString(b) {
			continue
		}
		if t, seen := first[b]; !seen || d.Latest.Created.Before(t) {
			first[b] = d.Latest.Created
		}
	}
	out := listBucketsXML{NS: s3NS, Owner: ownerXML{ID: c.Principal, DisplayName: c.Principal}}
	for b, t := range first {
		out.Buckets = append(out.Buckets, bucketXML{Name: b, CreationDate: isoTime(t)})
	}
	sort.Slice(out.Buckets, func(i, j int) bool { return out.Buckets[i].Name < out.Buckets[j].Name })
	writeXML(w, http.StatusOK, out)
}

type objectXML struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
}

type prefixXML struct {
	Prefix string `xml:"Prefix"`
}

type listObjectsXML struct {
	XMLName               xml.Name    `xml:"ListBucketResult"`
	NS                    string      `xml:"xmlns,attr"`
	Name                  string      `xml:"Name"`
	Prefix                string      `xml:"Prefix"`
	Delimiter             string      `xml:"Delimiter,omitempty"`
	MaxKeys               int         `xml:"MaxKeys"`
	EncodingType          string      `xml:"EncodingType,omitempty"`
	IsTruncated           bool        `xml:"IsTruncated"`
	KeyCount              *int        `xml:"KeyCount,omitempty"`
	ContinuationToken     string      `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string      `xml:"NextContinuationToken,omitempty"`
	StartAfter            string      `xml:"StartAfter,omitempty"`
	Marker                *string     `xml:"Marker,omitempty"`
	NextMarker            string      `xml:"NextMarker,omitempty"`
	Contents              []objectXML `xml:"Contents"`
	CommonPrefixes        []prefixXML `xml:"CommonPrefixes"`
}

// listObjects serves ListObjectsV2 (list-type=2) and, with the same code,
// the original ListObjects (marker instead of continuation token).
func (h *Handler) listObjects(w http.ResponseWriter, r *http.Request, c authn.Caller, bucket string, q url.Values) {
	v2 := q.Get("list-type") == "2"
	maxKeys := 1000
	if s := q.Get("max-keys"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			writeError(w, r, s3err("InvalidArgument", "max-keys must be a non-negative integer"))
			return
		}
		maxKeys = min(n, 1000)
	}
	enc := q.Get("encoding-type")
	if enc != "" && enc != "url" {
		writeError(w, r, s3err("InvalidArgument", "encoding-type must be url"))
		return
	}
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	after := q.Get("start-after")
	out := listObjectsXML{NS: s3NS, Name: bucket, Prefix: encodeKey(prefix, enc), Delimiter: encodeKey(delim, enc),
		MaxKeys: maxKeys, EncodingType: enc}
	if v2 {
		out.StartAfter = encodeKey(after, enc)
		if tok := q.Get("continuation-token"); tok != "" {
			b, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil {
				writeError(w, r, s3err("InvalidArgument", "the continuation token is not valid"))
				return
			}
			out.ContinuationToken = tok
			after = max(after, string(b))
		}
	} else {
		m := q.Get("marker")
		out.Marker = &m
		after = m
	}
	ds, err := h.b.Datasets(r.Context(), c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	objs, prefixes, truncated, last := page(ds, bucket+"/", prefix, delim, after, maxKeys)
	out.Contents, out.IsTruncated = objs, truncated
	for i := range out.Contents {
		out.Contents[i].Key = encodeKey(out.Contents[i].Key, enc)
	}
	for _, p := range prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, prefixXML{Prefix: encodeKey(p, enc)})
	}
	if v2 {
		n := len(objs) + len(prefixes)
		out.KeyCount = &n
		if truncated {
			out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
		}
	} else if truncated && delim != "" {
		out.NextMarker = encodeKey(last, enc)
	}
	writeXML(w, http.StatusOK, out)
}

// page lists, in key order after "after", up to max entries (objects and
// common prefixes together) of the datasets under ns whose keys start
// with prefix, rolling keys up at delim. last is the last entry returned.
func page(ds []catalog.Dataset, ns, prefix, delim, after string, max int) (objs []objectXML, prefixes []string, truncated bool, last string) {
	var keys []catalog.Dataset
	for _, d := range ds {
		if k, ok := strings.CutPrefix(d.Name, ns); ok && strings.HasPrefix(k, prefix) {
			keys = append(keys, d)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Name < keys[j].Name })
	seen := map[string]bool{}
	for _, d := range keys {
		k := strings.TrimPrefix(d.Name, ns)
		entry, isPrefix := k, false
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				entry, isPrefix = k[:len(prefix)+i+len(delim)], true
			}
		}
		if entry <= after || (isPrefix && seen[entry]) || (isPrefix && strings.HasPrefix(after, entry)) {
			continue
		}
		if len(objs)+len(prefixes) == max {
			return objs, prefixes, true, last
		}
		if isPrefix {
			seen[entry] = true
			prefixes = append(prefixes, entry)
		} else {
			objs = append(objs, objectXML{Key: k, LastModified: isoTime(d.Latest.Created), ETag: ETag(d.Latest),
				Size: d.Latest.Size, StorageClass: "STANDARD"})
		}
		last = entry
	}
	return objs, prefixes, false, last
}

// encodeKey URL-encodes s when the client asked for encoding-type=url.
func encodeKey(s, enc string) string {
	if enc != "url" {
		return s
	}
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
