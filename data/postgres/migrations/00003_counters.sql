-- The dashboard's counters (Counts, UnitCounts, History, UnitHistory), kept
-- in tables by the database itself: statement triggers on problems and
-- households move them in the same transaction as every write, whichever
-- code makes it (the store's methods, an import, a repair in SQL). Their
-- definition is app/storetest/recount.go's; the bbolt store keeps the same
-- counters under its own keys (data/bolt/index.go).
--
-- Each write statement gathers its problems' "facts" (sign +1 for a
-- problem as it is now, -1 for it as it was, with its household's tambon,
-- unit and origin), and one statement (qm_count_sql) adds them up:
--
--   counters: n by round, kind, area (a tambon code, or a unit's code: a
--   household in a municipality counts under both), category, code,
--   urgent and day. The kinds: S status (code: the status), D open
--   problems by target date (day), C carried into a later round, X
--   Re-X-Ray (code: the result), Q keyed into ThaiQM, A found (day;
--   -infinity: carried over from the survey), R left the open statuses
--   (day; infinity: no day), V the same, solved; H households with a
--   problem (category 0: any), N new cases (code: data.NewCase).
--   Unused key parts are 0, false and -infinity. A counter at 0 is the
--   same as none (the readers skip it; the rows are deleted at once).
--
--   hh_refs: how many problems a household has in a round, area and
--   category (0: any), all of them or (fresh) those found in the round,
--   under its origin then. The household counters move when one goes
--   from 0 to 1 or back. Origin and area are part of the key so that a
--   household that moves or changes origin leaves its old references at
--   0 and takes new ones from 0, in one statement.
--
-- Writers: two transactions moving one counter row wait for each other
-- (INSERT … ON CONFLICT DO UPDATE locks it), and add up correctly. The
-- store takes the meta row's lock first in every write transaction
-- (Store.write), so they never wait for each other in a circle.

-- +goose Up
CREATE TABLE counters (
    round_id bigint NOT NULL, -- no REFERENCES: its check cost a bulk load 15% (rounds are never deleted)
    kind     "char" NOT NULL,
    area     text COLLATE "C" NOT NULL,
    category smallint NOT NULL,
    code     smallint NOT NULL,
    urgent   boolean NOT NULL,
    day      date NOT NULL,
    n        bigint NOT NULL, -- no CHECK (n >= 0): it would refuse ON CONFLICT's proposed row of a negative delta
    PRIMARY KEY (round_id, kind, area, category, code, urgent, day)
);
CREATE INDEX counters_zero ON counters (round_id) WHERE n = 0;
-- The counters by day (due, found, resolved), in the order the readers
-- give them: the primary key serves the others.
CREATE INDEX counters_by_day ON counters (round_id, kind, day, area, category, urgent) INCLUDE (code, n);

CREATE TABLE hh_refs (
    round_id     bigint NOT NULL,
    household_id bigint NOT NULL,
    area         text COLLATE "C" NOT NULL,
    origin       smallint NOT NULL,
    category     smallint NOT NULL,
    fresh        boolean NOT NULL,
    n            bigint NOT NULL,
    PRIMARY KEY (round_id, household_id, area, origin, category, fresh)
);
CREATE INDEX hh_refs_zero ON hh_refs (round_id) WHERE n = 0;

-- qm_facts is the query of the facts of the problems in rel (a table or a
-- transition table), each joined to its household in hrel, with sign.
-- +goose StatementBegin
CREATE FUNCTION qm_facts(sign integer, rel text, hrel text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format('SELECT %s AS sign, p.round_id, p.household_id, p.category, p.status, p.urgent, p.target_date,
        p.carried_to IS NOT NULL AS carried, p.rexray, p.thaiqm_on IS NOT NULL AS thaiqm, p.found_on, p.resolved_on,
        p.survey_year <> 2565 AS fresh, h.origin, h.tambon_code AS tambon, h.unit
        FROM %s p JOIN %s h ON h.id = p.household_id', sign, rel, hrel)
$$;
-- +goose StatementEnd

-- qm_count_sql is the statement that adds the facts of the query facts
-- (UNION ALL of qm_facts) to hh_refs and counters.
-- +goose StatementBegin
CREATE FUNCTION qm_count_sql(facts text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format($q$
WITH f AS (%s),
fa AS (SELECT f.*, a.area FROM f CROSS JOIN LATERAL (VALUES (f.tambon), (f.unit)) a(area) WHERE a.area <> ''),
r AS (SELECT round_id, household_id, area, origin, cat, fresh, sum(sign)::bigint AS d FROM (
        SELECT round_id, household_id, area, origin, category AS cat, false AS fresh, sign FROM fa
        UNION ALL SELECT round_id, household_id, area, origin, 0, false, sign FROM fa
        UNION ALL SELECT round_id, household_id, area, origin, category, true, sign FROM fa WHERE fresh
        UNION ALL SELECT round_id, household_id, area, origin, 0, true, sign FROM fa WHERE fresh) x
      GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0),
up AS (INSERT INTO hh_refs AS h (round_id, household_id, area, origin, category, fresh, n)
       SELECT round_id, household_id, area, origin, cat, fresh, d FROM r
       ON CONFLICT (round_id, household_id, area, origin, category, fresh) DO UPDATE SET n = h.n + excluded.n
       RETURNING h.round_id, h.household_id, h.area, h.origin, h.category, h.fresh, h.n),
flips AS (SELECT up.round_id, up.area, up.origin, up.category, up.fresh,
            CASE WHEN up.n > 0 AND up.n = r.d THEN 1 WHEN up.n = 0 THEN -1 ELSE 0 END AS flip
          FROM up JOIN r ON r.round_id = up.round_id AND r.household_id = up.household_id AND r.area = up.area
            AND r.origin = up.origin AND r.cat = up.category AND r.fresh = up.fresh),
c AS (
    SELECT round_id, 'S'::"char" AS kind, area, category, status AS code, urgent, '-infinity'::date AS day, sign AS n FROM fa
    UNION ALL SELECT round_id, 'D', area, category, 0, urgent, target_date, sign FROM fa WHERE status IN (1, 2) AND target_date IS NOT NULL
    UNION ALL SELECT round_id, 'C', area, category, 0, false, '-infinity', sign FROM fa WHERE carried
    UNION ALL SELECT round_id, 'X', area, category, rexray, false, '-infinity', sign FROM fa WHERE rexray <> 0
    UNION ALL SELECT round_id, 'Q', area, category, 0, false, '-infinity', sign FROM fa WHERE thaiqm
    UNION ALL SELECT round_id, 'A', area, 0, 0, false, coalesce(found_on, '-infinity'), sign FROM fa
    UNION ALL SELECT round_id, 'R', area, 0, 0, false, coalesce(resolved_on, 'infinity'), sign FROM fa WHERE status NOT IN (1, 2)
    UNION ALL SELECT round_id, 'V', area, 0, 0, false, coalesce(resolved_on, 'infinity'), sign FROM fa WHERE status IN (3, 4)
    UNION ALL SELECT round_id, 'H', area, category, 0, false, '-infinity', flip FROM flips WHERE NOT fresh AND flip <> 0
    UNION ALL SELECT round_id, 'N', area, category, 1, false, '-infinity', flip FROM flips WHERE NOT fresh AND flip <> 0 AND origin = 2
    UNION ALL SELECT round_id, 'N', area, category, 2, false, '-infinity', flip FROM flips WHERE fresh AND flip <> 0 AND origin = 1)
INSERT INTO counters AS k (round_id, kind, area, category, code, urgent, day, n)
SELECT round_id, kind, area, category, code, urgent, day, sum(n) FROM c GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
ON CONFLICT (round_id, kind, area, category, code, urgent, day) DO UPDATE SET n = k.n + excluded.n
$q$, facts)
$$;
-- +goose StatementEnd

-- qm_count runs qm_count_sql on facts, then deletes the references and
-- counters that came down to 0. It is called by the triggers' functions,
-- which must run the statement themselves (EXECUTE sees the transition
-- tables only in the trigger's own function): qm_count is for facts
-- from ordinary tables (the backfill below).
-- +goose StatementBegin
CREATE FUNCTION qm_count(facts text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE qm_count_sql(facts);
    DELETE FROM hh_refs WHERE n = 0;
    DELETE FROM counters WHERE n = 0;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION qm_problems_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE qm_count_sql(qm_facts(1, 'new_rows', 'households'));
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE qm_count_sql(qm_facts(-1, 'old_rows', 'households'));
    ELSE
        EXECUTE qm_count_sql(qm_facts(-1, 'old_rows', 'households') || ' UNION ALL ' || qm_facts(1, 'new_rows', 'households'));
    END IF;
    DELETE FROM hh_refs WHERE n = 0;
    DELETE FROM counters WHERE n = 0;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- A household's tambon, unit or origin moves its problems' counters:
-- out as they were, in as they are now. Only the households whose three
-- changed are read (moved).
-- +goose StatementBegin
CREATE FUNCTION qm_households_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE qm_count_sql(
        qm_facts(-1, 'problems', '(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.tambon_code, o.unit, o.origin) IS DISTINCT FROM (n.tambon_code, n.unit, n.origin))') || ' UNION ALL ' ||
        qm_facts(1, 'problems', '(SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.tambon_code, o.unit, o.origin) IS DISTINCT FROM (n.tambon_code, n.unit, n.origin))'));
    DELETE FROM hh_refs WHERE n = 0;
    DELETE FROM counters WHERE n = 0;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER problems_counted_insert AFTER INSERT ON problems REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_problems_counted();
CREATE TRIGGER problems_counted_update AFTER UPDATE ON problems REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_problems_counted();
CREATE TRIGGER problems_counted_delete AFTER DELETE ON problems REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_problems_counted();
CREATE TRIGGER households_counted AFTER UPDATE ON households REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qm_households_counted();

-- The problems a database holds already.
SELECT qm_count(qm_facts(1, 'problems', 'households'));

-- +goose Down
DROP TRIGGER households_counted ON households;
DROP TRIGGER problems_counted_delete ON problems;
DROP TRIGGER problems_counted_update ON problems;
DROP TRIGGER problems_counted_insert ON problems;
DROP FUNCTION qm_households_counted();
DROP FUNCTION qm_problems_counted();
DROP FUNCTION qm_count(text);
DROP FUNCTION qm_count_sql(text);
DROP FUNCTION qm_facts(integer, text, text);
DROP TABLE hh_refs;
DROP TABLE counters;
