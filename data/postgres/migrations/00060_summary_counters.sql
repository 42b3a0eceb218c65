-- The summary's counters (issue 16, point 3: the summary under 50 ms at
-- 1,000,000 problems). A province's summary shows each amphoe's figures
-- and each municipality's, but counters keeps them by tambon, and the
-- due, found and resolved counts by day as well: a province of a million
-- problems has some 100,000 such rows, which the server would read and
-- add up at every summary. summary_counters holds the same counters
-- already added up as the summary reads them: a tambon's under its
-- amphoe (the code's first four digits), a municipality's under its own
-- code; only the kinds a summary reads (S, H, C, X, N, Q, D; and A, R,
-- V, the history a round that has ended is summarized from:
-- 00003_counters.sql). Same columns, same key.
--
-- It is the sum of counters by definition: statement triggers on
-- counters move it by the difference each statement made, whichever
-- statement it was (the problems' and households' triggers, Repair's
-- rebuild). Check compares it with that sum; Repair rewrites it from
-- counters. Writers take the meta row's lock first (Store.write), so two
-- never move its rows in a circle.
--
-- Unlike counters, a row that comes down to 0 stays (readers skip it):
-- with no index on n, an update of a row's n can stay on its page (a
-- HOT update, the table's pages kept half empty for it), so the table
-- and its key stay as small as its live rows however many writes move
-- them; the rows at 0 are at most the keys ever used.

-- +goose Up
CREATE TABLE summary_counters (
    round_id bigint NOT NULL,
    kind     "char" NOT NULL,
    area     text COLLATE "C" NOT NULL,
    category smallint NOT NULL,
    code     smallint NOT NULL,
    urgent   boolean NOT NULL,
    day      date NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (round_id, kind, area, category, code, urgent, day)
) WITH (fillfactor = 50);

-- qm_summary_counted adds to summary_counters what a statement on
-- counters changed: its new rows, less its old ones (EXECUTE: only the
-- trigger's own function sees the transition tables, and each event has
-- its own).
-- +goose StatementBegin
CREATE FUNCTION qm_summary_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT round_id, kind, area, category, code, urgent, day, n FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT round_id, kind, area, category, code, urgent, day, -n FROM old_rows'
        ELSE 'SELECT round_id, kind, area, category, code, urgent, day, n FROM new_rows
              UNION ALL SELECT round_id, kind, area, category, code, urgent, day, -n FROM old_rows' END;
BEGIN
    EXECUTE format($q$
        INSERT INTO summary_counters AS k (round_id, kind, area, category, code, urgent, day, n)
        SELECT round_id, kind, CASE WHEN length(area) = 6 AND left(area, 1) = 'M' THEN area ELSE left(area, 4) END,
            category, code, urgent, day, sum(n)
        FROM (%s) d (round_id, kind, area, category, code, urgent, day, n)
        WHERE kind IN ('S', 'H', 'C', 'X', 'N', 'Q', 'D', 'A', 'R', 'V')
        GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
        ON CONFLICT (round_id, kind, area, category, code, urgent, day) DO UPDATE SET n = k.n + excluded.n
    $q$, moved);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER summary_counters_insert AFTER INSERT ON counters REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_summary_counted();
CREATE TRIGGER summary_counters_update AFTER UPDATE ON counters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_summary_counted();
CREATE TRIGGER summary_counters_delete AFTER DELETE ON counters REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_summary_counted();

-- The counters a database holds already.
INSERT INTO summary_counters (round_id, kind, area, category, code, urgent, day, n)
SELECT round_id, kind, CASE WHEN length(area) = 6 AND left(area, 1) = 'M' THEN area ELSE left(area, 4) END,
    category, code, urgent, day, sum(n)
FROM counters
WHERE kind IN ('S', 'H', 'C', 'X', 'N', 'Q', 'D', 'A', 'R', 'V')
GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0;

-- The clerks' triggers write it (a trigger runs as the role whose
-- statement fired it).
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'qmdesk_clerk') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON summary_counters TO qmdesk_clerk;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER summary_counters_delete ON counters;
DROP TRIGGER summary_counters_update ON counters;
DROP TRIGGER summary_counters_insert ON counters;
DROP FUNCTION qm_summary_counted();
DROP TABLE summary_counters;
