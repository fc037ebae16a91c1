-- The coverage columns of one window of visit_window.sql: the scope's roster households and
-- deputies reached by a visit of the window (a visit carries its household's roster township
-- and number, a link its deputy's township).
(SELECT {distinct_households} FROM {roster_visits} v
 WHERE {in_window} AND household_township IN (SELECT unnest($towns))) AS households_visited,
(SELECT count(DISTINCT deputy_id) FROM {visit_links} v
 WHERE {in_window} AND deputy_township IN (SELECT unnest($towns))) AS deputies_visiting
