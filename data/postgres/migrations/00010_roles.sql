-- Who may do what (issue 16, point 5). Each clerk logs in as her own
-- role (made by AddClerk, or by hand as docs/postgres-setup.md says),
-- member of the group roles made here:
--   qmdesk_clerk   reads and writes the register; may add to the audit
--                  log but not change or delete its entries;
--   qmdesk_unmask  may see whole national IDs, names and phone numbers
--                  in qmdesk (the program asks pg_has_role before it
--                  unmasks: a marker, not a table privilege, so a member
--                  of qmdesk_clerk alone can still read the columns with
--                  another program such as psql).
-- Roles belong to the whole server, not to one database: a second
-- database on the server finds them made and only grants on its tables.
-- Making them needs CREATEROLE (or a superuser): run by a role without
-- it, this migration fails with SQLSTATE QMR01, which Open tells the
-- clerk in Thai with the command for the server's administrator.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
    may_create boolean;
BEGIN
    SELECT rolcreaterole OR rolsuper INTO may_create FROM pg_roles WHERE rolname = current_user;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qmdesk_clerk') THEN
        IF NOT may_create THEN
            RAISE EXCEPTION 'the role % may not create the role qmdesk_clerk', current_user USING ERRCODE = 'QMR01';
        END IF;
        CREATE ROLE qmdesk_clerk NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qmdesk_unmask') THEN
        IF NOT may_create THEN
            RAISE EXCEPTION 'the role % may not create the role qmdesk_unmask', current_user USING ERRCODE = 'QMR01';
        END IF;
        CREATE ROLE qmdesk_unmask NOLOGIN;
    END IF;
    -- Every table and sequence of the schema, and those the role running
    -- the migrations makes in it later.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO qmdesk_clerk', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO qmdesk_clerk', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO qmdesk_clerk', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO qmdesk_clerk', current_schema());
END
$$;
-- +goose StatementEnd
-- The log is appended to, never changed; the migrations' record is the
-- administrator's.
REVOKE UPDATE, DELETE ON audit FROM qmdesk_clerk;
REVOKE INSERT, UPDATE, DELETE ON goose_db_version FROM qmdesk_clerk;
