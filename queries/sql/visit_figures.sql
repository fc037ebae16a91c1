-- The contract metrics of the visit register (走访记录) for every window of the scope: a window
-- is a date range ($starts[i] .. $ends[i]) and, for a coverage window of a campaign, the
-- campaign its visits carry ($campaigns[i]; NULL: any visit). The windows are one SELECT per
-- window (visit_window.sql), joined by UNION ALL: each reads only its window's dates, and only
-- the scope's own rows within them, so a township reads little of a province and no visit is
-- multiplied by a join to the windows.
WITH roster_households AS (SELECT household_id FROM households WHERE township_code IN (SELECT unnest($towns))),
roster_deputies AS (SELECT deputy_id FROM deputies WHERE township_code IN (SELECT unnest($towns)))
SELECT *, (SELECT count(*) FROM roster_households) AS households_total,
       (SELECT count(*) FROM roster_deputies) AS deputies_total
FROM ({windows})
ORDER BY bucket
