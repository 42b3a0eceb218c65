-- The province's summary by amphoe (issue 16, point 3: under 50 ms at
-- 1,000,000 problems). The summary shows each amphoe's figures, but the
-- counters are kept by tambon, and the due counts by target day as well:
-- a province of a million problems has some 40,000 such rows, which the
-- server would read and add up at every summary. counters_amphoe holds
-- the same counters already added up to the amphoe (the tambon code's
-- first four digits), for the kinds a summary reads (S, H, C, X, N, Q
-- and D: 00003_counters.sql; and A, R, V, the history a round that has
-- ended is summarized from), the municipalities' rows left out (they
-- are few, and read from counters by their own code). Same columns,
-- same key, same rule: a row at 0 is deleted at once.
--
-- It is the sum of counters by definition: statement triggers on
-- counters move it by the difference each statement made, whichever
-- statement it was (the problems' and households' triggers, Repair's
-- rebuild). Check compares it with that sum; Repair rewrites it from
-- counters. Writers take the meta row's lock first (Store.write), so two
-- never move an amphoe's rows in a circle.

-- +goose Up
CREATE TABLE counters_amphoe (
    round_id bigint NOT NULL,
    kind     "char" NOT NULL,
    area     text COLLATE "C" NOT NULL,
    category smallint NOT NULL,
    code     smallint NOT NULL,
    urgent   boolean NOT NULL,
    day      date NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (round_id, kind, area, category, code, urgent, day)
);
CREATE INDEX counters_amphoe_zero ON counters_amphoe (round_id) WHERE n = 0;

-- qm_amphoe_counted adds to counters_amphoe what a statement on counters
-- changed: its new rows, less its old ones (EXECUTE: only the trigger's
-- own function sees the transition tables, and each event has its own).
-- +goose StatementBegin
CREATE FUNCTION qm_amphoe_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT round_id, kind, area, category, code, urgent, day, n FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT round_id, kind, area, category, code, urgent, day, -n FROM old_rows'
        ELSE 'SELECT round_id, kind, area, category, code, urgent, day, n FROM new_rows
              UNION ALL SELECT round_id, kind, area, category, code, urgent, day, -n FROM old_rows' END;
BEGIN
    EXECUTE format($q$
        INSERT INTO counters_amphoe AS k (round_id, kind, area, category, code, urgent, day, n)
        SELECT round_id, kind, left(area, 4), category, code, urgent, day, sum(n) FROM (%s) d (round_id, kind, area, category, code, urgent, day, n)
        WHERE kind IN ('S', 'H', 'C', 'X', 'N', 'Q', 'D', 'A', 'R', 'V') AND NOT (length(area) = 6 AND left(area, 1) = 'M')
        GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
        ON CONFLICT (round_id, kind, area, category, code, urgent, day) DO UPDATE SET n = k.n + excluded.n
    $q$, moved);
    DELETE FROM counters_amphoe WHERE n = 0;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER counters_amphoe_insert AFTER INSERT ON counters REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_amphoe_counted();
CREATE TRIGGER counters_amphoe_update AFTER UPDATE ON counters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_amphoe_counted();
CREATE TRIGGER counters_amphoe_delete AFTER DELETE ON counters REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_amphoe_counted();

-- The counters a database holds already.
INSERT INTO counters_amphoe (round_id, kind, area, category, code, urgent, day, n)
SELECT round_id, kind, left(area, 4), category, code, urgent, day, sum(n) FROM counters
WHERE kind IN ('S', 'H', 'C', 'X', 'N', 'Q', 'D', 'A', 'R', 'V') AND NOT (length(area) = 6 AND left(area, 1) = 'M')
GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0;

-- The clerks' triggers write it (a trigger runs as the role whose
-- statement fired it).
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'qmdesk_clerk') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON counters_amphoe TO qmdesk_clerk;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER counters_amphoe_delete ON counters;
DROP TRIGGER counters_amphoe_update ON counters;
DROP TRIGGER counters_amphoe_insert ON counters;
DROP FUNCTION qm_amphoe_counted();
DROP TABLE counters_amphoe;
