-- The whole database schema (data contract section 3), in one place.
-- Run by the loader before every load: every statement is idempotent.
-- No PRIMARY KEY constraints: natural keys are upserted by delete-then-insert
-- inside one transaction, which DuckDB's eager key checks would refuse; key
-- uniqueness is asserted by tests instead.

CREATE TABLE IF NOT EXISTS load_log (
    load_id        INTEGER,
    file_name      VARCHAR,
    file_path      VARCHAR,
    content_hash   VARCHAR,
    kind           VARCHAR,
    sheet          VARCHAR,
    loaded_at      TIMESTAMP,
    rows_read      INTEGER,
    rows_accepted  INTEGER,
    rows_rejected  INTEGER,
    status         VARCHAR,  -- loaded | strict_refused | unreadable
    message        VARCHAR
);
-- Rows neither loaded nor rejected: 合计 rows, footer lines (rows read = accepted + rejected + skipped).
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS rows_skipped INTEGER DEFAULT 0;

-- 导入方案: a confirmed column mapping for an office's own layout, keyed by the
-- header's shape (its normalised cells in order), so that layout loads without asking.
CREATE TABLE IF NOT EXISTS import_mappings (
    shape     VARCHAR,   -- etl/layout.header_shape of the header it was confirmed for
    register  VARCHAR,   -- the register kind (table name)
    columns   VARCHAR,   -- JSON: normalised header -> contract key ('' = not loaded)
    headers   VARCHAR,   -- JSON: the header cells as written, for listing
    name      VARCHAR,   -- the file or mapping file it came from
    saved_at  TIMESTAMP
);
-- Who loaded a file (an account, or 命令行（OS user）) and the townships its rows name:
-- the 数据 page shows a township account only the loads of its own townships.
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS loaded_by VARCHAR;
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS township_codes VARCHAR[];
-- The scope an account's upload was checked against (NULL: the command line, unrestricted).
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS load_scope VARCHAR;

-- Rows that loaded but deserve a look: a suggestion moved back from 已办结, a natural
-- key that two files of one load wrote differently (the later file wins).
CREATE TABLE IF NOT EXISTS load_warnings (
    load_id    INTEGER,
    file_name  VARCHAR,
    sheet      VARCHAR,
    row_no     INTEGER,  -- the row number a user sees in Excel
    record_id  VARCHAR,  -- the natural key
    message    VARCHAR   -- in Chinese, naming both files where two disagree
);

CREATE TABLE IF NOT EXISTS rejected_rows (
    load_id      INTEGER,
    file_name    VARCHAR,
    sheet        VARCHAR,
    row_no       INTEGER,  -- the row number a user sees in Excel
    column_name  VARCHAR,  -- Chinese header of the first failing column
    value        VARCHAR,  -- masked where personal (by column and by value)
    reason       VARCHAR,  -- every reason for the row, in Chinese
    raw_row      VARCHAR   -- the whole row as read, as JSON, personal values masked: nothing is lost
);

CREATE TABLE IF NOT EXISTS townships (
    township_code  VARCHAR,
    township_name  VARCHAR,
    county         VARCHAR,
    term_start     DATE,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS stations (
    station_id      VARCHAR,
    station_name    VARCHAR,
    township_code   VARCHAR,
    established_on  DATE,
    host_unit       VARCHAR,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS deputies (
    deputy_id      VARCHAR,
    name           VARCHAR,
    level          VARCHAR,
    township_code  VARCHAR,
    station_id     VARCHAR,
    group_name     VARCHAR,
    team_name      VARCHAR,
    gender         VARCHAR,
    birth_year     INTEGER,
    education      VARCHAR,
    occupation     VARCHAR,
    phone          VARCHAR,
    term           VARCHAR,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS households (
    household_id   VARCHAR,
    head_name      VARCHAR,
    township_code  VARCHAR,
    village        VARCHAR,
    exit_year      INTEGER,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS activities (
    activity_id      VARCHAR,
    date             DATE,
    township_code    VARCHAR,
    station_id       VARCHAR,
    kind             VARCHAR,
    theme            VARCHAR,
    title            VARCHAR,
    attendees        INTEGER,
    voters_received  INTEGER,
    evaluated_unit   VARCHAR,
    campaign         VARCHAR,
    place            VARCHAR,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS activity_deputies (activity_id VARCHAR, deputy_id VARCHAR);

CREATE TABLE IF NOT EXISTS suggestions (
    suggestion_id  VARCHAR,
    received_on    DATE,
    township_code  VARCHAR,
    station_id     VARCHAR,
    source         VARCHAR,
    category       VARCHAR,
    summary        VARCHAR,
    handler        VARCHAR,
    referred_on    DATE,
    resolved_on    DATE,
    status         VARCHAR,
    outcome        VARCHAR,  -- A | B | C | D
    satisfaction   VARCHAR,
    campaign       VARCHAR,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS suggestion_deputies (suggestion_id VARCHAR, deputy_id VARCHAR);

CREATE TABLE IF NOT EXISTS visits (
    visit_id         VARCHAR,  -- derived: a stable hash of the visit's facts
    date             DATE,
    township_code    VARCHAR,
    village          VARCHAR,
    target_kind      VARCHAR,
    household_id     VARCHAR,
    enterprise       VARCHAR,
    problems_found   INTEGER,
    problems_solved  INTEGER,
    consoled         BOOLEAN,
    campaign         VARCHAR,
    load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER
);

CREATE TABLE IF NOT EXISTS visit_deputies (visit_id VARCHAR, deputy_id VARCHAR);

-- Each link also carries what the queries count a deputy's records by, copied from its row
-- (etl/registers.py link_columns): a province holds millions of links, and joining them to
-- their rows on a text key costs a scan of both tables for every figure of a deputy.
ALTER TABLE activity_deputies ADD COLUMN IF NOT EXISTS date DATE;
ALTER TABLE activity_deputies ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE activity_deputies ADD COLUMN IF NOT EXISTS township_code VARCHAR;
ALTER TABLE suggestion_deputies ADD COLUMN IF NOT EXISTS received_on DATE;
ALTER TABLE visit_deputies ADD COLUMN IF NOT EXISTS date DATE;
ALTER TABLE visit_deputies ADD COLUMN IF NOT EXISTS campaign VARCHAR;
-- Links written before they carried these get them once (every row has its date: later loads find none).
UPDATE activity_deputies SET date = a.date, kind = a.kind, township_code = a.township_code
FROM activities a WHERE activity_deputies.date IS NULL AND a.activity_id = activity_deputies.activity_id;
UPDATE suggestion_deputies SET received_on = s.received_on
FROM suggestions s WHERE suggestion_deputies.received_on IS NULL AND s.suggestion_id = suggestion_deputies.suggestion_id;
UPDATE visit_deputies SET date = v.date, campaign = v.campaign
FROM visits v WHERE visit_deputies.date IS NULL AND v.visit_id = visit_deputies.visit_id;

-- A visit carries the roster township of the household it visited (NULL: not a roster
-- household), so coverage (metrics.households_visited) filters a column instead of joining a
-- province's visits to its million households (0.4 s a figure at 2,000 townships). The loader
-- keeps it (etl/loader.py ROSTER_COPIES): copied when a visit is written, refreshed when its
-- household is; visits written before the column existed get it once (loader.apply_schema).
ALTER TABLE visits ADD COLUMN IF NOT EXISTS household_township VARCHAR;
-- A roster household has a number, and a visit carries its household's (copied and refreshed as
-- the township is), so coverage counts distinct households by an integer, not a 13-character
-- text id: hashing a province's million households is the largest part of every coverage
-- figure, and half as costly on integers. A household written again keeps its number (loader
-- NUMBERED); a new one draws the next.
CREATE SEQUENCE IF NOT EXISTS household_key_seq;
ALTER TABLE households ADD COLUMN IF NOT EXISTS household_key BIGINT DEFAULT nextval('household_key_seq');
ALTER TABLE visits ADD COLUMN IF NOT EXISTS household_key BIGINT;
-- Likewise each deputy link carries its deputy's roster township, so one township's deputies
-- read only their township's links (a link is written in its file's order, and a register file
-- keeps a township's rows together) instead of every link of a province.
ALTER TABLE activity_deputies ADD COLUMN IF NOT EXISTS deputy_township VARCHAR;
ALTER TABLE suggestion_deputies ADD COLUMN IF NOT EXISTS deputy_township VARCHAR;
ALTER TABLE visit_deputies ADD COLUMN IF NOT EXISTS deputy_township VARCHAR;
-- A visit's links carry its township too (the visit's, not the deputy's), so the deputies named
-- on one township's visits (campaign.visit_rows) read that township's links, not a province's.
-- Links written before get it once (a visit always has its township: later loads find none).
ALTER TABLE visit_deputies ADD COLUMN IF NOT EXISTS township_code VARCHAR;
UPDATE visit_deputies SET township_code = v.township_code
FROM visits v WHERE visit_deputies.township_code IS NULL AND v.visit_id = visit_deputies.visit_id;

-- ==== macros ====
-- (etl/export_parquet.open_export defines these over the Parquet export too.)

-- Dates in every form section 1.8 lists: 2020-06-04, 2020/6/4, 2020.6.4,
-- 2020年6月4日, 20200604, a trailing time, and Excel serial day numbers.
-- Most are written 2020-06-04: DuckDB's own cast reads those without a regular
-- expression (and gives the same date, or NULL where the month or day cannot be).
CREATE OR REPLACE MACRO parse_date(s) AS coalesce(
    CASE WHEN strlen(s) = 10 AND s[5] = '-' AND s[8] = '-' AND (s[1] = '1' OR s[1] = '2')
         THEN TRY_CAST(s AS DATE) END,
    parse_date_written(s)
);

CREATE OR REPLACE MACRO parse_date_written(s) AS (
    CASE
        WHEN regexp_full_match(s, '\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(\s.*|T.*)?') THEN
            try(make_date(
                CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 1) AS INTEGER),
                CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 2) AS INTEGER),
                CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 3) AS INTEGER)))
        WHEN regexp_full_match(s, '\d{8}') THEN
            try(make_date(
                CAST(substr(s, 1, 4) AS INTEGER),
                CAST(substr(s, 5, 2) AS INTEGER),
                CAST(substr(s, 7, 2) AS INTEGER)))
        WHEN regexp_full_match(s, '\d{5}(\.0+)?') AND CAST(s AS DOUBLE) BETWEEN 20000 AND 80000 THEN
            CAST(DATE '1899-12-30' + to_days(CAST(CAST(s AS DOUBLE) AS INTEGER)) AS DATE)
    END
);

-- Full-width forms folded to ASCII (Ｓ－０１ is S-01), the ideographic and no-break spaces to plain
-- ones: in dates, numbers, ids and codes every form U+FF01-FF5E, in free text (fold_width_alnum)
-- only digits and letters, for Chinese text keeps its punctuation (，：（）). This is translate()
-- with those pairs at about 40 % of its cost: translate builds its map again for every value.
CREATE OR REPLACE MACRO fold_width(s) AS array_to_string(list_transform(string_split(s, ''), lambda c:
    CASE WHEN unicode(c) BETWEEN 65281 AND 65374 THEN chr(unicode(c) - 65248)
         WHEN unicode(c) IN (12288, 160) THEN ' ' ELSE c END), '');
CREATE OR REPLACE MACRO fold_width_alnum(s) AS array_to_string(list_transform(string_split(s, ''), lambda c:
    CASE WHEN unicode(c) BETWEEN 65296 AND 65305 OR unicode(c) BETWEEN 65313 AND 65338
              OR unicode(c) BETWEEN 65345 AND 65370 THEN chr(unicode(c) - 65248)
         WHEN unicode(c) IN (12288, 160) THEN ' ' ELSE c END), '');

-- A list with each value once, in the order first written: C001T01-D031、C001T01-D005、C001T01-D031
-- is [C001T01-D031, C001T01-D005]. (list_distinct costs three times as much, and reorders.) The filter
-- is quadratic, so a list longer than any real one (a hostile cell of 16,000 ids took 0.3 s) is made
-- distinct by list_distinct, in list_distinct's own order. `l` must be a column: an expression would
-- be computed again for every element.
CREATE OR REPLACE MACRO distinct_in_order(l) AS
    CASE WHEN len(l) <= 64 THEN list_filter(l, lambda x, i: list_position(l, x) = i) ELSE list_distinct(l) END;

-- A visit's deputies as its hashed key names them: the ids sorted and joined by 、, '' for none.
-- Nearly every list holds one or two ids: those are put in order without sorting a list, which
-- cost a sixth of typing a province's visit file (tests/test_staging.py checks it against the sort).
CREATE OR REPLACE MACRO ids_in_order(l) AS CASE coalesce(len(l), 0) WHEN 0 THEN '' WHEN 1 THEN l[1]
    WHEN 2 THEN CASE WHEN l[1] <= l[2] THEN l[1] || '、' || l[2] ELSE l[2] || '、' || l[1] END
    ELSE array_to_string(list_sort(l), '、') END;

-- The year, month and day a date written in one of those forms names, whether or not that
-- day exists: 2026/9/31 -> [2026, 9, 31], so the rejection can say "9月没有31日".
CREATE OR REPLACE MACRO date_fields(s) AS (
    CASE
        WHEN regexp_full_match(s, '\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(\s.*|T.*)?') THEN [
            TRY_CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 1) AS INTEGER),
            TRY_CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 2) AS INTEGER),
            TRY_CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 3) AS INTEGER)]
        WHEN regexp_full_match(s, '\d{8}') THEN [
            TRY_CAST(substr(s, 1, 4) AS INTEGER), TRY_CAST(substr(s, 5, 2) AS INTEGER),
            TRY_CAST(substr(s, 7, 2) AS INTEGER)]
    END
);

-- Fact rows of a scope (a list of township codes) whose date falls in a period,
-- both ends included. Every metric reads through these.
CREATE OR REPLACE MACRO activities_in(period_start, period_end, township_codes) AS TABLE
    SELECT * FROM activities
    WHERE date BETWEEN period_start AND period_end
      AND township_code IN (SELECT unnest(township_codes));

CREATE OR REPLACE MACRO visits_in(period_start, period_end, township_codes) AS TABLE
    SELECT * FROM visits
    WHERE date BETWEEN period_start AND period_end
      AND township_code IN (SELECT unnest(township_codes));

CREATE OR REPLACE MACRO suggestions_of(township_codes) AS TABLE
    SELECT * FROM suggestions
    WHERE township_code IN (SELECT unnest(township_codes));

-- Personal data is masked in every query a page or export runs (queries/privacy.py).
CREATE OR REPLACE MACRO mask_name(s) AS
    CASE WHEN s IS NULL OR s = '' THEN s ELSE left(s, 1) || repeat('*', greatest(length(s) - 1, 1)) END;

CREATE OR REPLACE MACRO mask_phone(s) AS
    CASE WHEN s IS NULL OR s = '' THEN s
         WHEN length(s) < 7 THEN repeat('*', length(s))
         ELSE left(s, 3) || '****' || right(s, 4) END;

-- ==== accounts store ====
-- Accounts, sessions and the audit log live in their own file beside the data
-- (etl/accounts.py): the published data file is opened read-only by the dashboard
-- and replaced whole by every load, while a login or an export writes a row at once.
-- Nothing here is ever read by a query a page runs on the data file.

CREATE TABLE IF NOT EXISTS accounts (
    username         VARCHAR,
    display_name     VARCHAR,
    role             VARCHAR,  -- system_admin | county_admin | county_viewer | township_admin | township_viewer
    county           VARCHAR,  -- county roles, and the county of a township account
    township_code    VARCHAR,  -- township roles
    password_hash    VARCHAR,  -- argon2id; never shown, logged or exported
    password_set_at  TIMESTAMP,  -- sessions signed in before it are void
    disabled         BOOLEAN,
    failed_logins    INTEGER,  -- consecutive failures since the last success
    locked_until     TIMESTAMP,
    is_demo          BOOLEAN,  -- created by `etl demo`, with a password the README states
    created_at       TIMESTAMP,
    created_by       VARCHAR
);

-- A session is known by the SHA-256 of its random id: the cookie holds the id, this file never does.
CREATE TABLE IF NOT EXISTS sessions (
    session_hash  VARCHAR,
    username      VARCHAR,
    created_at    TIMESTAMP,
    last_seen     TIMESTAMP,
    ended_at      TIMESTAMP,
    end_reason    VARCHAR,  -- logout | idle | expired | disabled | password
    client        VARCHAR
);

-- Append-only: rows are only ever inserted. Each row's hash covers the previous row's,
-- so a row changed or removed behind the dashboard's back breaks the chain
-- (`python -m etl audit --verify`).
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id       BIGINT,
    occurred_at    TIMESTAMP,
    username       VARCHAR,
    role           VARCHAR,
    county         VARCHAR,
    event          VARCHAR,  -- login | login_failed | locked | logout | session_refused | upload | export | scope_denied | account | setting
    outcome        VARCHAR,  -- ok | refused
    detail         VARCHAR,  -- Chinese, for the reader of the audit table
    township_codes VARCHAR[],  -- the scope an export or upload covered
    period_start   DATE,
    period_end     DATE,
    file_name      VARCHAR,
    file_hash      VARCHAR,
    rows_read      INTEGER,
    rows_accepted  INTEGER,
    rows_rejected  INTEGER,
    client         VARCHAR,
    prev_hash      VARCHAR,
    row_hash       VARCHAR
);

-- What a county decides for itself: whether its township accounts see the named ranking.
CREATE TABLE IF NOT EXISTS county_settings (
    county            VARCHAR,
    publish_rankings  BOOLEAN,
    changed_at        TIMESTAMP,
    changed_by        VARCHAR
);
