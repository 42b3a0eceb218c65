-- Change notification (issue 16, point 4): a window open on the database
-- hears within a second or two that another clerk's window or a
-- command-line import changed what a clerk's screens show, and reads it
-- again (Store.Watch LISTENs on the channel qmdesk_changed).
--
-- A statement that writes one of those tables notifies the channel, with
-- an empty payload, from a statement-level trigger (one call per
-- statement, whatever the number of rows). PostgreSQL delivers a
-- transaction's notifications when it commits, after its changes are
-- visible, and folds the same notification sent many times in one
-- transaction into one; a transaction rolled back sends none. The meta
-- row notifies only when the province or the current round changes:
-- every audited write updates its audit head, which alone shows nothing.
-- No table, lock or row is written: a writer pays one pg_notify per
-- statement.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION qm_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('qmdesk_changed', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['households', 'problems', 'actions', 'rounds', 'sub_problems', 'units', 'unit_tambons',
                             'agency_aliases', 'imports', 'reviews'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
            FOR EACH STATEMENT EXECUTE FUNCTION qm_notify_changed()', t || '_notify', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER meta_notify AFTER UPDATE ON meta FOR EACH ROW
    WHEN ((OLD.province, OLD.default_round) IS DISTINCT FROM (NEW.province, NEW.default_round))
    EXECUTE FUNCTION qm_notify_changed();

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['households', 'problems', 'actions', 'rounds', 'sub_problems', 'units', 'unit_tambons',
                             'agency_aliases', 'imports', 'reviews', 'meta'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_notify', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION qm_notify_changed();
