-- The figures counted from the deputies listed on activities for every bucket of the scope:
-- 述职代表数 and its split by level, 每次接待日代表人数 and the levels of the deputies on reception
-- days. A link carries its activity's date, kind and township (etl/schema.sql), so only the
-- links of the scope's 述职 and 接待选民 activities in the buckets are read.
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end
),
listed AS MATERIALIZED (
    SELECT b.bucket, l.activity_id, l.kind, l.deputy_id
    FROM (SELECT activity_id, kind, deputy_id, date FROM {activity_links}
          WHERE date BETWEEN $first AND $last AND kind IN ($reporting_kind, $reception_kind)
            AND township_code IN (SELECT unnest($towns))) l
    JOIN buckets b ON l.date BETWEEN b.bucket_start AND b.bucket_end
),
staff AS (  -- distinct deputies per bucket and kind, with their roster level (未填写 when not on it)
    SELECT l.bucket, l.kind, l.deputy_id, {level} AS level
    FROM (SELECT DISTINCT bucket, kind, deputy_id FROM listed) l{roster}
),
per_reception AS (
    SELECT bucket, round(avg(deputies), 1) AS deputies_per_reception
    FROM (SELECT bucket, activity_id, count(deputy_id) AS deputies FROM listed
          WHERE kind = $reception_kind GROUP BY ALL)
    GROUP BY bucket
),
levels AS (
    SELECT bucket,
           count(*) FILTER (WHERE kind = $reporting_kind) AS reporting_deputies,
           histogram(level) FILTER (WHERE kind = $reporting_kind) AS reporting_deputies_by_level,
           histogram(level) FILTER (WHERE kind = $reception_kind) AS reception_deputies_by_level
    FROM staff GROUP BY bucket
)
SELECT b.bucket, coalesce(l.reporting_deputies, 0) AS reporting_deputies, l.reporting_deputies_by_level,
       l.reception_deputies_by_level, r.deputies_per_reception
FROM buckets b LEFT JOIN levels l USING (bucket) LEFT JOIN per_reception r USING (bucket)
ORDER BY b.bucket
