package bolt

import (
	"context"

	"go.etcd.io/bbolt"

	"qmdesk/data"
)

// keyAgencyAliases holds, in the meta bucket, the clerk's merges of
// partner agencies' names (data.AgencyAliases).
var keyAgencyAliases = []byte("agency_aliases")

// AgencyAliases returns the merges of agency names (empty: none yet).
func (s *Store) AgencyAliases(ctx context.Context) (a data.AgencyAliases, err error) {
	a = data.AgencyAliases{}
	err = s.view(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx, bucketMeta, keyAgencyAliases, &a)
		return err
	})
	return a, err
}

// MergeAgency makes from count as into in the agencies' report, with an
// audit entry in the same transaction; no action is rewritten.
func (s *Store) MergeAgency(ctx context.Context, from, into string) error {
	return s.update(func(tx *bbolt.Tx) error {
		before := data.AgencyAliases{}
		if _, err := getJSON(tx, bucketMeta, keyAgencyAliases, &before); err != nil {
			return err
		}
		after := data.AgencyAliases{}
		for k, v := range before {
			after[k] = v
		}
		if err := after.Merge(from, into); err != nil {
			return err
		}
		if err := putJSON(tx, bucketMeta, keyAgencyAliases, after); err != nil {
			return err
		}
		return s.audit(ctx, tx, "update", "agency_aliases", 0, before, after, "merge agency "+data.CleanText(from)+" -> "+data.CleanText(into))
	})
}
