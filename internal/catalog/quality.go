package catalog

import (
	"context"
	"errors"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
)

// Version statuses.
const (
	StatusOK          = "ok"          // readable; may be the latest
	StatusQuarantined = "quarantined" // failed its checks: never the latest, read only with the quality-admin permission
)

// ErrNotQuarantined is returned (wrapped) by Release for a version that is
// not quarantined.
var ErrNotQuarantined = errors.New("catalog: version is not quarantined")

// QualityInfo is what the data-quality gate recorded about a version.
type QualityInfo struct {
	// Status is StatusOK or StatusQuarantined; "" is stored as StatusOK.
	Status     string
	Released   time.Time // when a quarantined version was released; zero if never
	ReleasedBy string    // who released it
	// Profile is the quality profile as JSON; CheckReport the results of
	// the dataset's checks on it as JSON. nil when there are none.
	Profile     []byte
	CheckReport []byte
}

// Quarantined reports whether v is quarantined.
func (v *Version) Quarantined() bool { return v.Status == StatusQuarantined }

// QualityStore is the part of Store that serves data quality. Version
// with number 0 and Datasets' Latest skip quarantined versions; numbers
// stay gap-free (a quarantined version has its number).
type QualityStore interface {
	// SetChecks stores the checks file of dataset name (which need not
	// exist yet), replacing any, and appends rec in the same transaction.
	SetChecks(ctx context.Context, name string, checks []byte, rec *audit.Record) error
	// Checks returns the checks file of dataset name, ErrNotFound if none.
	Checks(ctx context.Context, name string) ([]byte, error)
	// Release marks quarantined version number of dataset name as ok,
	// recording rec.Time and rec.Actor, and appends rec (its Dataset and
	// Version set), in one transaction. A version that is not quarantined
	// is ErrNotQuarantined, one that does not exist ErrNotFound.
	Release(ctx context.Context, name string, number int64, rec *audit.Record) error
	// Quarantined lists the quarantined versions by dataset and number.
	Quarantined(ctx context.Context) ([]Version, error)
}

// qualityColumns are the versions table's columns of QualityInfo.
const qualityColumns = "status, released_at, released_by, profile, quality"

// DatasetCountsQuery lists every dataset with its number of versions and
// of quarantined versions; LatestOKQuery (with a dialect's ORDER BY
// appended) the latest version of each dataset that is not quarantined.
const (
	DatasetCountsQuery = `SELECT name, latest, (SELECT count(*) FROM versions
		WHERE versions.dataset = datasets.name AND status = 'quarantined') FROM datasets`
	LatestOKQuery = `SELECT ` + VersionColumns + ` FROM versions
		WHERE (dataset, number) IN (SELECT dataset, max(number) FROM versions WHERE status = 'ok' GROUP BY dataset)`
)

// JoinDatasets combines the rows of DatasetCountsQuery (in the order
// wanted) with the latest accepted versions. A dataset whose versions are
// all quarantined has a Latest with only Dataset set (Number 0).
func JoinDatasets(counts Rows, latest []Version) ([]Dataset, error) {
	byName := make(map[string]Version, len(latest))
	for _, v := range latest {
		byName[v.Dataset] = v
	}
	var ds []Dataset
	for counts.Next() {
		var d Dataset
		if err := counts.Scan(&d.Name, &d.Versions, &d.Quarantined); err != nil {
			return nil, err
		}
		d.Latest = byName[d.Name]
		d.Latest.Dataset = d.Name
		ds = append(ds, d)
	}
	return ds, counts.Err()
}

func (v *Version) statusOrOK() string {
	if v.Status == "" {
		return StatusOK
	}
	return v.Status
}

type qualityRow struct {
	status, releasedBy, profile, report string
	released                            int64
}

func (q qualityRow) info() QualityInfo {
	i := QualityInfo{Status: q.status, ReleasedBy: q.releasedBy}
	if q.released != 0 {
		i.Released = FromUnixNano(q.released)
	}
	if q.profile != "" {
		i.Profile = []byte(q.profile)
	}
	if q.report != "" {
		i.CheckReport = []byte(q.report)
	}
	return i
}

// ReleaseArgs are the arguments of the release UPDATE: status, time,
// actor, dataset, number.
func ReleaseArgs(name string, number int64, rec *audit.Record) []any {
	return []any{StatusOK, rec.Time.UnixNano(), rec.Actor, name, number}
}
