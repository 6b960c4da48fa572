-- sstc-docs on PostgreSQL: the tables, and the rules the database itself enforces.
--
-- sstc_versions is the truth, one row per version, never changed: the key (kind, id, version)
-- and the unique seq make a version impossible to overwrite or duplicate, and a trigger refuses
-- UPDATE, DELETE and TRUNCATE whoever asks (the app role is in any case granted only SELECT and
-- INSERT, see the README). Everything else is derived in the same transaction as the versions:
-- sstc_heads (the latest version of each record, with its listing summary), sstc_names (authors
-- and kinds), sstc_chain (the newest seq and store-wide chain; its one row, locked FOR UPDATE,
-- is the write lock that keeps seq without gaps and the chain linear). sstc_drafts is no part of
-- the history at all.
--
-- Text that is compared or sorted is COLLATE "C": byte order, which is Python's order, so ids
-- list and timestamps compare exactly as in the embedded engine whatever the server's locale.
-- Record data and summaries are json, not jsonb: kept as written, key order included, so a
-- version reads back (and backs up) byte for byte as it was saved.

CREATE TABLE sstc_versions (
    seq            bigint  PRIMARY KEY CHECK (seq >= 1),
    kind           text    COLLATE "C" NOT NULL,
    id             text    COLLATE "C" NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    based_on       integer,
    author         text    COLLATE "C" NOT NULL,
    recorded_at    text    COLLATE "C" NOT NULL,
    why            text    NOT NULL,
    effective_from text    COLLATE "C" NOT NULL,
    deleted        boolean NOT NULL,
    hash           text    NOT NULL,
    chain          text    NOT NULL,
    data           json    NOT NULL,
    CONSTRAINT sstc_versions_record_version UNIQUE (kind, id, version)
);
-- The audit trail's filters, newest first (changes()).
CREATE INDEX sstc_versions_by_kind ON sstc_versions (kind, seq);
CREATE INDEX sstc_versions_by_author ON sstc_versions (author, seq);
CREATE INDEX sstc_versions_by_id ON sstc_versions (id, seq);
CREATE INDEX sstc_versions_by_time ON sstc_versions (recorded_at);

CREATE FUNCTION sstc_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sstc-docs keeps every version: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER sstc_versions_immutable BEFORE UPDATE OR DELETE ON sstc_versions
    FOR EACH ROW EXECUTE FUNCTION sstc_refuse_change();
CREATE TRIGGER sstc_versions_no_truncate BEFORE TRUNCATE ON sstc_versions
    FOR EACH STATEMENT EXECUTE FUNCTION sstc_refuse_change();

-- Attachments by content: the SHA-256 is the key, the bytes never change.
CREATE TABLE sstc_blobs (
    sha  text  PRIMARY KEY CHECK (sha ~ '^[0-9a-f]{64}$'),
    data bytea NOT NULL
);
-- The one change allowed: a damaged attachment given back the content its hash names (attaching
-- the original file again repairs it, as in the embedded engine). Nothing else passes.
CREATE FUNCTION sstc_blob_repair_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.sha = OLD.sha AND encode(sha256(NEW.data), 'hex') = NEW.sha THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'sstc-docs keeps every attachment: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER sstc_blobs_immutable BEFORE UPDATE OR DELETE ON sstc_blobs
    FOR EACH ROW EXECUTE FUNCTION sstc_blob_repair_only();
CREATE TRIGGER sstc_blobs_no_truncate BEFORE TRUNCATE ON sstc_blobs
    FOR EACH STATEMENT EXECUTE FUNCTION sstc_refuse_change();

-- The latest version of each record. summarizer names the hook that made summary; a server with
-- another hook summarises such rows again from the version's data rather than trust them.
CREATE TABLE sstc_heads (
    kind           text    COLLATE "C" NOT NULL,
    id             text    COLLATE "C" NOT NULL,
    version        integer NOT NULL,
    deleted        boolean NOT NULL,
    author         text    COLLATE "C" NOT NULL,
    recorded_at    text    COLLATE "C" NOT NULL,
    why            text    NOT NULL,
    effective_from text    COLLATE "C" NOT NULL,
    seq            bigint  NOT NULL,
    hash           text    NOT NULL,
    summarizer     text    NOT NULL,
    summary        json    NOT NULL,
    PRIMARY KEY (kind, id)
);
-- A cache catching up asks for the heads of a kind changed after the seq it last saw.
CREATE INDEX sstc_heads_by_seq ON sstc_heads (kind, seq);

-- Everyone who saved, and every kind saved: a page asks on every run, so no scan of the versions.
CREATE TABLE sstc_names (
    what text COLLATE "C" NOT NULL CHECK (what IN ('author', 'kind')),
    name text COLLATE "C" NOT NULL,
    PRIMARY KEY (what, name)
);

CREATE TABLE sstc_chain (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq   bigint  NOT NULL,
    chain text    NOT NULL
);
INSERT INTO sstc_chain (seq, chain) VALUES (0, '');

-- What each person is typing, per record being edited: not history (replaced as they type, gone
-- once saved), so the one table whose rows change and go.
CREATE TABLE sstc_drafts (
    owner    text COLLATE "C" NOT NULL,
    key      text COLLATE "C" NOT NULL,
    value    json NOT NULL,
    saved_at text NOT NULL,
    PRIMARY KEY (owner, key)
);

CREATE TABLE sstc_schema (version integer NOT NULL);
INSERT INTO sstc_schema (version) VALUES (1);
