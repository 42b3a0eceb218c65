-- What an import keeps for its undo (data.ImportLedger.UndoImport), as
-- the bbolt store keeps it under the import's ID (its importundo bucket):
-- the records it changed, each as it was before, and the ID ranges of the
-- records it created. CommitImport writes them in the import's own
-- transaction; UndoImport reads them and deletes them once the import is
-- undone (ImportHouseholds then finds none: ENOTFOUND).
--
-- A decision on a row waiting for review is committed as an import of its
-- own, which has no workbook and so no fingerprint: its sha256 is ''.

-- +goose Up
ALTER TABLE imports DROP CONSTRAINT imports_sha256_check;
ALTER TABLE imports ADD CONSTRAINT imports_sha256_check CHECK (sha256 = '' OR sha256 ~ '^[0-9a-f]{64}$');

-- A record an import changed, in the order the import wrote them (seq):
-- a household or a problem with its content before (its JSON, as
-- data.Household or data.Problem marshal) and the updated_at the import
-- left it with; an action appended to a problem the import did not
-- create (none: the action is deleted).
CREATE TABLE import_undo (
    import_id  bigint NOT NULL REFERENCES imports (id),
    seq        integer NOT NULL CHECK (seq > 0),
    kind       text NOT NULL CHECK (kind IN ('household', 'problem', 'action')),
    record_id  bigint NOT NULL,
    problem_id bigint,
    before     jsonb,
    after      timestamptz,
    PRIMARY KEY (import_id, seq),
    CHECK ((kind = 'action') = (problem_id IS NOT NULL)),
    CHECK ((kind = 'action') = (before IS NULL AND after IS NULL))
);

-- The records an import created: consecutive IDs (its transaction takes
-- them while every other writer waits for the meta row), first and last
-- of each kind, NULL for none.
CREATE TABLE import_created (
    import_id        bigint PRIMARY KEY REFERENCES imports (id),
    households_first bigint,
    households_last  bigint,
    problems_first   bigint,
    problems_last    bigint,
    actions_first    bigint,
    actions_last     bigint
);

-- An import writes its changed records through a temporary table (one
-- UPDATE a kind: Store.CommitImport), which a clerk's role may make only
-- with the TEMPORARY right on the database. Every role has it by default
-- (PUBLIC); qmdesk_clerk is given it here, so that clerks keep it on a
-- server whose administrator took it from PUBLIC. A role running the
-- migrations that may not grant it (not the database's owner) leaves the
-- rights as they are.
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO qmdesk_clerk', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
-- +goose StatementEnd

-- Reviews waiting, by import (an undo's check of later imports' rows).
CREATE INDEX reviews_pending_import ON reviews (import_id) WHERE decision = '';
