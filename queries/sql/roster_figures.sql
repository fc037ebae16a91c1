-- The figures counted from the rosters (代表名册, 脱贫户名册, 活动站名册) of the scope, for every
-- bucket (a period): the age bands are counted at the bucket's end year, the stations standing
-- at its end and those set up in it. Each column restates the metrics.py function of its name.
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end
),
roster AS (
    SELECT coalesce(level, $not_filled) AS level, coalesce(gender, $not_filled) AS gender,
           coalesce(education, $not_filled) AS education, coalesce(occupation, $not_filled) AS occupation,
           birth_year, township_code, group_name, team_name
    FROM deputies WHERE township_code IN (SELECT unnest($towns))
),
whole AS (  -- what does not depend on the period
    SELECT count(*) AS deputies_total,
           (SELECT count(*) FROM households WHERE township_code IN (SELECT unnest($towns))) AS households_total,
           histogram(level) AS deputies_by_level, histogram(gender) AS deputies_by_gender,
           histogram(education) AS deputies_by_education, histogram(occupation) AS deputies_by_occupation,
           count(DISTINCT (township_code, group_name)) FILTER (WHERE group_name IS NOT NULL) AS deputy_groups,
           count(DISTINCT (township_code, coalesce(group_name, ''), team_name)) FILTER (WHERE team_name IS NOT NULL)
               AS action_teams
    FROM roster
),
aged AS (
    SELECT b.bucket,
           histogram(CASE WHEN r.birth_year IS NULL THEN $not_filled
                          WHEN year(b.bucket_end) - r.birth_year <= $young_max THEN $young
                          WHEN year(b.bucket_end) - r.birth_year <= $middle_max THEN $middle
                          ELSE $old END) AS deputies_by_age_band
    FROM buckets b CROSS JOIN roster r GROUP BY b.bucket
),
standing AS (
    SELECT b.bucket,
           count(s.station_id) FILTER (WHERE s.established_on IS NULL OR s.established_on <= b.bucket_end)
               AS stations_on_roster,
           count(s.station_id) FILTER (WHERE s.established_on BETWEEN b.bucket_start AND b.bucket_end)
               AS stations_established
    FROM buckets b LEFT JOIN stations s ON s.township_code IN (SELECT unnest($towns))
    GROUP BY b.bucket
)
SELECT b.bucket, w.*, a.deputies_by_age_band, s.stations_on_roster, s.stations_established
FROM buckets b CROSS JOIN whole w LEFT JOIN aged a USING (bucket) LEFT JOIN standing s USING (bucket)
ORDER BY b.bucket
