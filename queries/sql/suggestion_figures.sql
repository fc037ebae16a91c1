-- The figures counted from the suggestion register (建议意见登记) for every bucket of the scope in
-- one scan: a bucket is a period ($starts[i] .. $ends[i]), the day its open suggestions are
-- counted at ($as_ofs[i], metrics.as_of_date) and the day its cohort's 办结率 is also counted at
-- ($resolved_bys[i], for the same-age comparison). The columns are the aggregates asked for
-- (metrics.SUGGESTION_COLUMNS, one definition per figure), `rows` which suggestions they count
-- (metrics.SUGGESTION_ROWS); `visiting` the campaign visits' first and last day, when
-- 代表行动中提交议案数 is asked for.
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end,
           unnest($as_ofs::DATE[]) AS as_of, unnest($resolved_bys::DATE[]) AS resolved_by
){visiting},
sugg AS (
    SELECT b.bucket, b.as_of, b.resolved_by, {window}
           s.received_on BETWEEN b.bucket_start AND b.bucket_end AS collected,
           s.resolved_on BETWEEN b.bucket_start AND b.bucket_end AS resolved,
           s.status, s.source, s.received_on, s.resolved_on, s.outcome, s.satisfaction, s.campaign
    FROM suggestions_of($towns) s CROSS JOIN buckets b{visiting_join}
    -- the rows the asked figures count: collected or resolved in the bucket, or still open
    WHERE {rows}
),
-- Only the buckets with rows: metrics._by_bucket gives the others.
SELECT bucket, {columns} FROM sugg GROUP BY bucket
