-- One window of visit_figures.sql. Coverage counts the scope's roster households and deputies
-- reached by a visit of the window wherever it was (metrics.households_visited /
-- deputies_visiting; a visit's link carries its date and campaign, etl/schema.sql); the other
-- figures count the scope's own visits (visits_in). A part the caller does not ask for is
-- switched off by a literal false (its counts are then NULL or 0 and cost nothing).
SELECT {i} AS bucket,
       CASE WHEN {coverage} THEN (
           SELECT count(DISTINCT household_id) FROM visits v
           WHERE {in_window} AND household_id IN (SELECT household_id FROM roster_households)) END AS households_visited,
       CASE WHEN {coverage} THEN (
           SELECT count(DISTINCT deputy_id) FROM {visit_links} v
           WHERE {in_window} AND deputy_id IN (SELECT deputy_id FROM roster_deputies)) END AS deputies_visiting,
       {own_columns}
FROM visits_in(($starts::DATE[])[{i}], ($ends::DATE[])[{i}], $towns) v
WHERE {in_window} AND {own}
