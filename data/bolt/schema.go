// Package bolt stores the household register in a bbolt file.
//
// # Layout (schema version 12)
//
// Integers in keys are 8-byte big-endian so that keys sort numerically.
// Households, problems and actions are in data's compact encoding
// (records.go; JSON before version 9), the other records JSON. "round"
// is a round ID, "hh" a household ID, "pid" a problem ID, "tambon" the
// 6-digit DOPA code, "date" 8 ASCII digits (20240930), "cat", "status"
// and "urgent" one byte each.
//
//	meta        "schema_version" → uint64; "meta" → data.Meta JSON;
//	            "audit_head" → seq(8) + seal(32) of the last audit entry
//	            + the id of the key that sealed it (none before the seal);
//	            "recoding" → where the upgrade to 9 is (recode.go)  [v9]
//	rounds      round → data.Round
//	subproblems "list" → data.SubProblemList
//	            "units" → data.UnitList (the municipalities; absent: none)
//	households  hh → data.Household
//	problems    pid → data.Problem
//	actions     pid + aid → data.Action (append-only)
//	hidx        'c' house code(11) + hh   households by house code
//	            'n' national ID(13) + hh  households by head's national ID
//	            'A' tambon + blk          households by area (amphoe = prefix)
//	pidx        'h' hh + pid              problems of a household
//	            'C' round + cat + blk     by category
//	            'S' round + status + blk  by status
//	            'U' round + blk           urgent problems
//	            'D' round + date + blk    open problems by target date (overdue)
//	            'A' round + tambon + blk  by area
//	            The upper-case keys are posting blocks [v12]: "blk" is
//	            the 8-byte block number ID/256 and the value a 32-byte
//	            bitmap of which of the block's 256 IDs are in the index
//	            (postings.go); before 12 they were one key per record,
//	            the same tag in lower case with the ID for blk. The
//	            lower-case keys are one per record, with no value.
//	counters    'S' round + tambon + cat + status + urgent → problems
//	            'H' round + tambon + cat → households (cat 0: any category)
//	            'D' round + date + tambon + cat + urgent → open problems
//	            'A' round + found date + tambon → problems found that day
//	            ("00000000": carried over from the survey)             [v3]
//	            'R' round + resolved date + tambon → problems that left
//	            the open statuses that day                            [v3]
//	            'C' round + tambon + cat → open problems carried into a
//	            later round (CarriedTo set; from the version with rounds)
//	            'N' round + tambon + cat + group → households of a
//	            new-case group (ตกหล่น, เดิมที่มีปัญหาใหม่; newcases.go) [v6]
//	hhrefs      round + hh → the household's reference counts, packed
//	            (hhrefs.go), each by the rest of its logical key:   [v10]
//	            cat → problems of that household in the category
//	            (cat 0: all); 0 → 1 and 1 → 0 move the 'H' counters;
//	            cat + 'f' → those found in the round                 [v6]
//	            (+ 'M': a unit's own, for a household in a municipality)
//	            (before v10 one key per count: round + hh + rest → count)
//	audit       seq → seal(32) + entry JSON; the seal is HMAC-SHA256 under
//	            the installation key the entry names (its "key"), or
//	            SHA-256 for entries written before the key, of the
//	            previous seal + the entry JSON (see seal.go)
//	imports     import → data.ImportRecord (the ledger)                 [v2]
//	importsha   sha256 hex + import → nothing (same file imported before) [v2]
//	importrows  import → the fate of every row, packed (see packRows)    [v2]
//	importundo  import + seq → undoEntry (what to put back on undo)       [v2]
//	reviews     review → data.Review (rows waiting for the clerk)        [v2]
//	sums        tag + a record's key → CRC-32C of its value (sums.go)   [v4]
//	            13 + block → the sums of households block<<8 … +255,
//	            14 + block → of problems, 15 + block → of actions by
//	            action ID: a presence bitmap and 256 slots (CRC-32C; for
//	            actions the problem's ID first) (sumblocks.go)        [v11]
//
// Every index and counter changes in the same transaction as the record it
// describes, so they are never out of step; Check recounts them from the
// records and compares. A zero counter is deleted, not stored. Every
// record (not the indexes, counters or audit log) has a checksum in sums,
// written with it (households, problems and actions: in blocks of 256
// from v11, per key under the tags 4, 5, 6 before); Check reads each
// record against it.
package bolt

import "encoding/binary"

// SchemaVersion is the layout this code reads and writes. Opening an older
// file runs the migrations up to it; a newer file is refused.
const SchemaVersion = 12

var (
	bucketMeta        = []byte("meta")
	bucketRounds      = []byte("rounds")
	bucketSubProblems = []byte("subproblems")
	bucketHouseholds  = []byte("households")
	bucketProblems    = []byte("problems")
	bucketActions     = []byte("actions")
	bucketHIdx        = []byte("hidx")
	bucketPIdx        = []byte("pidx")
	bucketCounters    = []byte("counters")
	bucketHHRefs      = []byte("hhrefs")
	bucketAudit       = []byte("audit")
	bucketImports     = []byte("imports")
	bucketImportSHA   = []byte("importsha")
	bucketImportRows  = []byte("importrows")
	bucketImportUndo  = []byte("importundo")
	bucketReviews     = []byte("reviews")
	bucketSums        = []byte("sums")

	allBuckets = [][]byte{bucketMeta, bucketRounds, bucketSubProblems, bucketHouseholds, bucketProblems,
		bucketActions, bucketHIdx, bucketPIdx, bucketCounters, bucketHHRefs, bucketAudit,
		bucketImports, bucketImportSHA, bucketImportRows, bucketImportUndo, bucketReviews, bucketSums}

	keySchemaVersion = []byte("schema_version")
	keyMeta          = []byte("meta")
	keyAuditHead     = []byte("audit_head")
	keySubProblems   = []byte("list")
	keyUnits         = []byte("units")
)

// key concatenates parts into one key. Strings are written as they are;
// uint64 as 8 bytes; byte and bool as one byte.
func key(parts ...any) []byte {
	b := make([]byte, 0, 32)
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		case uint64:
			b = binary.BigEndian.AppendUint64(b, v)
		case byte:
			b = append(b, v)
		case bool:
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		default:
			panic("bolt: key part of unexpected type")
		}
	}
	return b
}

func itob(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func btoi(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
