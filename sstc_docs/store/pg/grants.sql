-- The rights the app needs, and no more: run as the tables' owner, naming the app's login role,
--   psql "postgresql://OWNER@HOST/DATABASE" -v app_role=sstc_app -f sstc_docs/store/pg/grants.sql
-- Versions and attachments: read and add, never change or remove (the triggers refuse that even
-- to the owner; the one update they let through gives a damaged attachment back the content its
-- hash names). The derived tables are rewritten as records change: heads and the chain row are
-- updated in the same transaction as the versions they describe. `verify --repair` rebuilds
-- them and is run as the owner. The search index (sstc_search_*, made by the owner's first
-- `python -m sstc_docs search --rebuild`) is a cache the app keeps: it adds what is saved, marks
-- older versions no longer current, and empties itself to be rebuilt when its analyser changes.
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT ON sstc_versions, sstc_blobs, sstc_names TO :"app_role";
GRANT UPDATE (data) ON sstc_blobs TO :"app_role";
GRANT SELECT, INSERT, UPDATE ON sstc_heads TO :"app_role";
GRANT SELECT, UPDATE ON sstc_chain TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON sstc_drafts TO :"app_role";
GRANT SELECT ON sstc_schema TO :"app_role";
GRANT SELECT, INSERT, UPDATE, TRUNCATE ON sstc_search_meta, sstc_search_texts, sstc_search_docs
    TO :"app_role";
GRANT USAGE ON SEQUENCE sstc_search_texts_id_seq, sstc_search_docs_id_seq TO :"app_role";
