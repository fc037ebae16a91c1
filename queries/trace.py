"""The register rows behind one figure of the work summary, so a reader can check it.

`figure_rows(con, key, part, scope, period, page)` returns, for a metric key of
queries/metrics.py (and, for a split such as deputies_by_level, the part such as
"省"), the rows the metric counts (a page of them, queries/paging.py), in one shape:
register, township, record id, date, category, description, state, source file and row. Each condition below
restates its metric's SQL word for word; tests/test_summary.py proves that the
rows agree with the metric functions (a count equals the number of rows, a
distinct count the distinct values in them, a sum the sum of `amount`).
Personal data never leaves: deputies' phones are not selected, household heads
are masked, and any phone or ID number inside a text is masked by value.
"""

from __future__ import annotations

import pandas as pd

from queries import metrics as m
from queries.labels import COMPARISON_LABELS
from queries.metrics import NOT_FILLED, Con, Period, Scope, Settings, _params
from queries.paging import Listing, ListSpec, Page, listing
from queries.privacy import mask_text

SUGGESTION_REGISTER, ACTIVITY_REGISTER, VISIT_REGISTER = "建议意见登记", "活动记录", "走访记录"
DEPUTY_REGISTER, HOUSEHOLD_REGISTER, STATION_REGISTER = "代表名册", "脱贫户名册", "活动站名册"
VISITED, NOT_VISITED = COMPARISON_LABELS["columns"]["visited"], COMPARISON_LABELS["columns"]["not_visited"]
TOOK_PART, TOOK_NO_PART = (COMPARISON_LABELS["columns"]["deputy_visited"],
                           COMPARISON_LABELS["columns"]["deputy_not_visited"])

COLUMNS = ["register", "township_name", "record_id", "record_date", "category", "description", "state",
           "amount", "source_file", "source_row"]

ACTIVITY_ROWS_SQL = """
    WITH listed_deputies AS (
        SELECT activity_id, count(*) AS deputies FROM {activity_links}
        WHERE date BETWEEN $start AND $end AND township_code IN (SELECT unnest($towns)) GROUP BY activity_id
    )
    SELECT $register AS register, coalesce(t.township_name, a.township_code) AS township_name,
           a.activity_id AS record_id, CAST(a.date AS VARCHAR) AS record_date, a.kind AS category,
           a.title AS description,
           concat_ws('，', CASE WHEN a.evaluated_unit IS NOT NULL THEN '评议对象：' || a.evaluated_unit END,
                     CASE WHEN l.deputies IS NOT NULL THEN '参加代表' || l.deputies || '名' END,
                     CASE WHEN a.attendees IS NOT NULL THEN '参加' || a.attendees || '人' END,
                     CASE WHEN a.voters_received IS NOT NULL THEN '接待选民' || a.voters_received || '人' END) AS state,
           {amount} AS amount, a.source_file, a.source_row
    FROM activities_in($start, $end, $towns) a
    LEFT JOIN townships t ON t.township_code = a.township_code
    LEFT JOIN listed_deputies l ON l.activity_id = a.activity_id
    WHERE {condition}
"""

# Roster deputies; `{ids}` narrows them to those named in some register (述职, 接待, 走访).
DEPUTY_ROWS_SQL = """
    SELECT $register AS register, coalesce(t.township_name, d.township_code) AS township_name,
           d.deputy_id AS record_id, '' AS record_date, coalesce(d.level, $not_filled) AS category,
           d.name AS description,
           CASE WHEN $mark_visits THEN (CASE WHEN d.deputy_id IN {visiting} THEN $took_part ELSE $took_no_part END)
                ELSE concat_ws('，', d.gender, CASE WHEN d.birth_year IS NOT NULL THEN d.birth_year || '年生' END,
                               d.education, d.occupation, d.group_name, d.team_name) END AS state,
           NULL::BIGINT AS amount, d.source_file, d.source_row, d.township_code
    FROM deputies d LEFT JOIN townships t ON t.township_code = d.township_code
    WHERE d.township_code IN (SELECT unnest($towns)) AND {condition}
"""

# Deputies listed on activities of one kind, on the roster or not (述职代表数 counts both).
LISTED_DEPUTIES_SQL = """
    WITH listed AS (
        SELECT DISTINCT ad.deputy_id FROM activities_in($start, $end, $towns) a
        JOIN activity_deputies ad USING (activity_id) WHERE a.kind = $kind
    )
    SELECT $register AS register, coalesce(t.township_name, d.township_code, '') AS township_name,
           l.deputy_id AS record_id, '' AS record_date, coalesce(d.level, $not_filled) AS category,
           coalesce(d.name, '（不在代表名册中）') AS description, coalesce(d.group_name, '') AS state,
           NULL::BIGINT AS amount, coalesce(d.source_file, '') AS source_file, d.source_row
    FROM listed l LEFT JOIN deputies d USING (deputy_id)
    LEFT JOIN townships t ON t.township_code = d.township_code
    WHERE {condition}
"""

SUGGESTION_ROWS_SQL = """
    SELECT $register AS register, coalesce(t.township_name, s.township_code) AS township_name,
           s.suggestion_id AS record_id, CAST(s.received_on AS VARCHAR) AS record_date, s.source AS category,
           s.summary AS description,
           concat_ws('，', s.status, CASE WHEN s.resolved_on IS NOT NULL THEN s.resolved_on || '办结' END,
                     CASE WHEN s.outcome IS NOT NULL THEN '办理结果' || s.outcome END, s.satisfaction,
                     CASE WHEN s.campaign IS NOT NULL THEN '专项行动：' || s.campaign END) AS state,
           {amount} AS amount, s.source_file, s.source_row
    FROM suggestions_of($towns) s LEFT JOIN townships t ON t.township_code = s.township_code
    WHERE {condition}
"""

HOUSEHOLD_ROWS_SQL = """
    SELECT $register AS register, coalesce(t.township_name, h.township_code) AS township_name,
           h.household_id AS record_id, '' AS record_date, h.village AS category,
           mask_name(h.head_name) AS description,
           CASE WHEN h.household_id IN (SELECT household_id FROM visits WHERE date BETWEEN $start AND $end)
                THEN $visited ELSE $not_visited END AS state,
           NULL::BIGINT AS amount, h.source_file, h.source_row, h.township_code
    FROM households h LEFT JOIN townships t ON t.township_code = h.township_code
    WHERE h.township_code IN (SELECT unnest($towns)) AND {condition}
"""

VISIT_ROWS_SQL = """
    WITH named AS (
        SELECT visit_id, string_agg(deputy_id, '、' ORDER BY deputy_id) AS deputy_ids
        FROM {placed_visit_links} WHERE date BETWEEN $start AND $end AND township_code IN (SELECT unnest($towns))
        GROUP BY visit_id
    )
    SELECT $register AS register, coalesce(t.township_name, v.township_code) AS township_name,
           v.household_id AS record_id, CAST(v.date AS VARCHAR) AS record_date, v.target_kind AS category,
           coalesce(v.enterprise, v.household_id, v.village, '') AS description,
           concat_ws('，', '走访代表' || n.deputy_ids,
                     CASE WHEN v.problems_solved IS NOT NULL THEN '解决问题' || v.problems_solved || '个' END,
                     CASE WHEN v.consoled THEN '慰问' END) AS state,
           {amount} AS amount, v.source_file, v.source_row
    FROM visits_in($start, $end, $towns) v
    LEFT JOIN townships t ON t.township_code = v.township_code
    LEFT JOIN named n ON n.visit_id = v.visit_id
    WHERE {condition}
"""

STATION_ROWS_SQL = f"""
    WITH tally AS ({m.STATION_TALLY_SQL})
    SELECT $register AS register, coalesce(t.township_name, s.township_code) AS township_name,
           s.station_id AS record_id, coalesce(CAST(s.established_on AS VARCHAR), '') AS record_date,
           coalesce(s.host_unit, '') AS category, s.station_name AS description,
           CASE WHEN y.activities IS NOT NULL THEN '统计期内活动' || y.activities || '次' ELSE '' END AS state,
           y.activities AS amount, s.source_file, s.source_row
    FROM stations s LEFT JOIN townships t ON t.township_code = s.township_code
    LEFT JOIN tally y ON y.station_id = s.station_id
    WHERE s.township_code IN (SELECT unnest($towns)) AND {{condition}}
"""

AGE_BAND_EXPR = """CASE WHEN d.birth_year IS NULL THEN $not_filled
    WHEN year($end::DATE) - d.birth_year <= $young_max THEN $young
    WHEN year($end::DATE) - d.birth_year <= $middle_max THEN $middle ELSE $old END"""
VISITING_IDS = """(SELECT vd.deputy_id FROM visit_deputies vd JOIN visits v USING (visit_id)
                   WHERE v.date BETWEEN $start AND $end)"""
RESOLVED_IN = "s.resolved_on BETWEEN $start AND $end"
RECEIVED_IN = "s.received_on BETWEEN $start AND $end"
OVERDUE = "s.status <> $resolved AND s.received_on <= $end AND $end - s.received_on > $limit"
STANDING = "(s.established_on IS NULL OR s.established_on <= $end)"

# key -> (SQL, condition, amount column). `$part` is the split's label (e.g. 省, 主席团会议).
TRACES: dict[str, tuple[str, str, str]] = {
    "activities_total": (ACTIVITY_ROWS_SQL, "true", "NULL::BIGINT"),
    "inspections": (ACTIVITY_ROWS_SQL, "list_contains($inspection_kinds, a.kind)", "NULL::BIGINT"),
    "inspections_by_theme": (
        ACTIVITY_ROWS_SQL, "list_contains($inspection_kinds, a.kind) AND coalesce(a.theme, $not_filled) = $part",
        "NULL::BIGINT"),
    "supervision": (ACTIVITY_ROWS_SQL, "list_contains($supervision_kinds, a.kind)", "NULL::BIGINT"),
    "supervision_by_kind": (ACTIVITY_ROWS_SQL, "a.kind = $part", "NULL::BIGINT"),
    "evaluated_units": (ACTIVITY_ROWS_SQL, "a.kind = $evaluation", "NULL::BIGINT"),
    "meetings": (ACTIVITY_ROWS_SQL, "a.kind = $meeting", "NULL::BIGINT"),
    "meetings_by_type": (
        ACTIVITY_ROWS_SQL, f"a.kind = $meeting AND ({m.MEETING_TYPE_SQL}) = $part", "NULL::BIGINT"),
    "trainings": (ACTIVITY_ROWS_SQL, "a.kind = $training", "NULL::BIGINT"),
    "training_attendance": (ACTIVITY_ROWS_SQL, "a.kind = $training", "a.attendees"),
    "reception_days": (ACTIVITY_ROWS_SQL, "a.kind = $reception", "NULL::BIGINT"),
    "deputies_per_reception": (ACTIVITY_ROWS_SQL, "a.kind = $reception AND l.deputies IS NOT NULL", "l.deputies"),
    "voter_contacts": (ACTIVITY_ROWS_SQL, "a.voters_received IS NOT NULL", "a.voters_received"),
    "deputies_total": (DEPUTY_ROWS_SQL, "true", ""),
    "deputies_by_level": (DEPUTY_ROWS_SQL, "coalesce(d.level, $not_filled) = $part", ""),
    "deputies_by_gender": (DEPUTY_ROWS_SQL, "coalesce(d.gender, $not_filled) = $part", ""),
    "deputies_by_education": (DEPUTY_ROWS_SQL, "coalesce(d.education, $not_filled) = $part", ""),
    "deputies_by_occupation": (DEPUTY_ROWS_SQL, "coalesce(d.occupation, $not_filled) = $part", ""),
    "deputies_by_age_band": (DEPUTY_ROWS_SQL, f"({AGE_BAND_EXPR}) = $part", ""),
    "deputy_groups": (DEPUTY_ROWS_SQL, "d.group_name IS NOT NULL", ""),
    "action_teams": (DEPUTY_ROWS_SQL, "d.team_name IS NOT NULL", ""),
    "deputies_visiting": (DEPUTY_ROWS_SQL, "d.deputy_id IN {visiting}", ""),
    "deputy_participation": (DEPUTY_ROWS_SQL, "true", ""),
    "reporting_deputies": (LISTED_DEPUTIES_SQL, "true", ""),
    "reporting_deputies_by_level": (LISTED_DEPUTIES_SQL, "coalesce(d.level, $not_filled) = $part", ""),
    "reception_deputies_by_level": (LISTED_DEPUTIES_SQL, "coalesce(d.level, $not_filled) = $part", ""),
    "suggestions_collected": (SUGGESTION_ROWS_SQL, RECEIVED_IN, "NULL::BIGINT"),
    "suggestions_by_source": (SUGGESTION_ROWS_SQL, f"{RECEIVED_IN} AND s.source = $part", "NULL::BIGINT"),
    "resolution_rate": (SUGGESTION_ROWS_SQL, RECEIVED_IN, "NULL::BIGINT"),
    "suggestions_resolved": (SUGGESTION_ROWS_SQL, RESOLVED_IN, "NULL::BIGINT"),
    "suggestions_by_outcome": (SUGGESTION_ROWS_SQL, f"{RESOLVED_IN} AND s.outcome = $part", "NULL::BIGINT"),
    "satisfaction_rate": (SUGGESTION_ROWS_SQL, f"{RESOLVED_IN} AND s.satisfaction IS NOT NULL", "NULL::BIGINT"),
    "median_days_to_resolve": (SUGGESTION_ROWS_SQL, RESOLVED_IN, "s.resolved_on - s.received_on"),
    "overdue": (SUGGESTION_ROWS_SQL, OVERDUE, "$end - s.received_on"),
    "campaign_suggestions": (
        SUGGESTION_ROWS_SQL, f"{RECEIVED_IN} AND s.campaign IS NOT NULL AND s.source <> $motion", "NULL::BIGINT"),
    "campaign_motions": (
        SUGGESTION_ROWS_SQL, f"{RECEIVED_IN} AND s.source = $motion AND (s.campaign IS NOT NULL OR s.received_on "
        "BETWEEN (SELECT min(date) FROM visits_in($start, $end, $towns) WHERE campaign IS NOT NULL) "
        "AND (SELECT max(date) FROM visits_in($start, $end, $towns) WHERE campaign IS NOT NULL))", "NULL::BIGINT"),
    "households_total": (HOUSEHOLD_ROWS_SQL, "true", ""),
    "household_coverage": (HOUSEHOLD_ROWS_SQL, "true", ""),
    "households_visited": (
        HOUSEHOLD_ROWS_SQL, "h.household_id IN (SELECT household_id FROM visits WHERE date BETWEEN $start AND $end)",
        ""),
    "households_consoled": (
        HOUSEHOLD_ROWS_SQL,
        "h.household_id IN (SELECT household_id FROM visits_in($start, $end, $towns) WHERE consoled)", ""),
    "enterprises_visited": (VISIT_ROWS_SQL, "v.enterprise IS NOT NULL", "NULL::BIGINT"),
    "problems_solved": (VISIT_ROWS_SQL, "v.problems_solved > 0", "v.problems_solved"),
    "stations_on_roster": (STATION_ROWS_SQL, STANDING, ""),
    "stations_established": (STATION_ROWS_SQL, "s.established_on BETWEEN $start AND $end", ""),
    "station_activities_min": (STATION_ROWS_SQL, STANDING, ""),
}
# A sum over two registers: voters received on activities, and one per visit not to an enterprise.
COMBINED = {"voter_contacts_with_visits": [("voter_contacts", None), ("_contact_visits", None)]}
TRACES["_contact_visits"] = (VISIT_ROWS_SQL, "v.target_kind <> $enterprise", "1")

# How each register's rows are listed (over the columns the templates select).
ORDERS = {
    ACTIVITY_ROWS_SQL: "record_date, source_file, source_row", DEPUTY_ROWS_SQL: "township_code, record_id",
    LISTED_DEPUTIES_SQL: "record_id", SUGGESTION_ROWS_SQL: "record_date, record_id",
    HOUSEHOLD_ROWS_SQL: "township_code, record_id", VISIT_ROWS_SQL: "record_date, source_file, source_row",
    STATION_ROWS_SQL: "amount NULLS LAST, record_id",
}
SHOWN_SQL = f"SELECT {', '.join('p.' + c for c in COLUMNS)} FROM listed p"

REGISTERS = {
    ACTIVITY_ROWS_SQL: ACTIVITY_REGISTER, DEPUTY_ROWS_SQL: DEPUTY_REGISTER, LISTED_DEPUTIES_SQL: DEPUTY_REGISTER,
    SUGGESTION_ROWS_SQL: SUGGESTION_REGISTER, HOUSEHOLD_ROWS_SQL: HOUSEHOLD_REGISTER,
    VISIT_ROWS_SQL: VISIT_REGISTER, STATION_ROWS_SQL: STATION_REGISTER,
}
KIND_OF = {"reporting_deputies": m.REPORTING_KIND, "reporting_deputies_by_level": m.REPORTING_KIND,
           "reception_deputies_by_level": m.RECEPTION_KIND}


def traceable(key: str) -> bool:
    return key in TRACES or key in COMBINED


def figure_rows(
    con: Con, key: str, part: str | None, scope: Scope, period: Period, page: Page = Page(),
) -> Listing:
    """The rows behind metric `key` (narrowed to `part` of a split), a page of them and how many."""
    parts = COMBINED.get(key, [(key, part)])
    bases = [_base(k, p) for k, p in parts]
    order = ORDERS[TRACES[parts[0][0]][0]] if len(parts) == 1 else "register, record_date, source_file, source_row"
    base = bases[0] if len(bases) == 1 else "\nUNION ALL\n".join(f"SELECT {', '.join(COLUMNS)} FROM ({b})"
                                                                   for b in bases)
    spec = ListSpec(base=base, shown=SHOWN_SQL, order=order, tiebreak="source_file, source_row", after=_masked)
    (young, young_max), (middle, middle_max), (old, _) = m.AGE_BANDS
    params = _params(
        scope, period, part=part, not_filled=NOT_FILLED,
        inspection_kinds=m.INSPECTION_KINDS, supervision_kinds=m.SUPERVISION_KINDS, evaluation=m.EVALUATION_KIND,
        meeting=m.MEETING_KIND, training=m.TRAINING_KIND, reception=m.RECEPTION_KIND, motion=m.MOTION_SOURCE,
        resolved=m.RESOLVED, limit=Settings().time_limit_days, enterprise=m.ENTERPRISE_TARGET,
        kind=KIND_OF.get(key), visited=VISITED, not_visited=NOT_VISITED,
        mark_visits=key in ("deputy_participation", "deputies_visiting"), took_part=TOOK_PART,
        took_no_part=TOOK_NO_PART,
        young=young, young_max=young_max, middle=middle, middle_max=middle_max, old=old,
        session_words=m.SESSION_WORDS, presidium_words=m.PRESIDIUM_WORDS, session=m.SESSION_MEETING,
        presidium=m.PRESIDIUM_MEETING, other=m.OTHER_MEETING,
    )
    return listing(con, spec, params, page)


def _base(key: str, part: str | None) -> str:
    """The rows of one traced key, with the register they come from."""
    sql, condition, amount = TRACES[key]
    condition = condition.replace("{visiting}", VISITING_IDS)
    query = sql.format(condition=condition, amount=amount, visiting=VISITING_IDS, activity_links="{activity_links}",
                       visit_links="{visit_links}", placed_visit_links="{placed_visit_links}")
    return query.replace("$register", f"'{REGISTERS[sql]}'")


def _masked(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("category", "description", "state"):  # a phone typed into 内容摘要 is masked too
        frame[column] = frame[column].map(mask_text)
    return frame[COLUMNS]


def columns(key: str) -> dict[str, str]:
    """Frame column -> Chinese header for the rows table of `key` (计数 only where the figure sums one)."""
    headers = COMPARISON_LABELS["columns"] | {"township_name": COMPARISON_LABELS["columns"]["township"],
                                              "amount": "计数"}
    counted = any(TRACES[k][0] is STATION_ROWS_SQL or TRACES[k][2] not in ("", "NULL::BIGINT")
                  for k, _ in COMBINED.get(key, [(key, None)]))
    return {c: headers[c] for c in COLUMNS if c != "amount" or counted}
