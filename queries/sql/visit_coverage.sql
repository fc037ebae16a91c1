-- The coverage columns of one window of visit_window.sql: the scope's roster households and
-- deputies reached by a visit of the window.
(SELECT count(DISTINCT household_id) FROM visits v
 WHERE {in_window} AND household_id IN (SELECT household_id FROM roster_households)) AS households_visited,
(SELECT count(DISTINCT deputy_id) FROM {visit_links} v
 WHERE {in_window} AND deputy_id IN (SELECT deputy_id FROM roster_deputies)) AS deputies_visiting
