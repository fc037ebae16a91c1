-- The figures counted from the rosters (代表名册, 脱贫户名册, 活动站名册) of the scope, for every
-- bucket (a period): the age bands are counted at the bucket's end year, the stations standing
-- at its end and those set up in it. The statement holds the parts asked for (metrics.ROSTER_PARTS).
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end
),
roster AS (
    SELECT coalesce(level, $not_filled) AS level, coalesce(gender, $not_filled) AS gender,
           coalesce(education, $not_filled) AS education, coalesce(occupation, $not_filled) AS occupation,
           birth_year, township_code, group_name, team_name
    FROM deputies WHERE township_code IN (SELECT unnest($towns))
){parts}
SELECT b.bucket{columns} FROM buckets b{joins}
ORDER BY b.bucket
