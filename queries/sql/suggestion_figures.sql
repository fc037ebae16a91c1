-- The contract metrics of the suggestion register (建议意见登记) for every bucket of the scope
-- in one scan: a bucket is a period ($starts[i] .. $ends[i]), the day its open suggestions are
-- counted at ($as_ofs[i], metrics.as_of_date) and the day its cohort's 办结率 is also counted
-- at ($resolved_bys[i], for the same-age comparison; NULL: not asked). Each column restates
-- the definition of the metrics.py function of the same name.
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end,
           unnest($as_ofs::DATE[]) AS as_of, unnest($resolved_bys::DATE[]) AS resolved_by
),
-- 代表行动中提交议案数 looks at the first and last campaign visit of the bucket.
visiting AS (
    SELECT b.bucket, min(v.date) AS first_day, max(v.date) AS last_day
    FROM buckets b JOIN visits_in($first, $last, $towns) v
      ON v.date BETWEEN b.bucket_start AND b.bucket_end AND v.campaign IS NOT NULL
    GROUP BY b.bucket
),
sugg AS (
    SELECT b.bucket, b.as_of, b.resolved_by, w.first_day, w.last_day,
           s.received_on BETWEEN b.bucket_start AND b.bucket_end AS collected,
           s.resolved_on BETWEEN b.bucket_start AND b.bucket_end AS resolved,
           s.status, s.source, s.received_on, s.resolved_on, s.outcome, s.satisfaction, s.campaign
    FROM suggestions_of($towns) s CROSS JOIN buckets b
    LEFT JOIN visiting w USING (bucket)
),
counted AS (
    SELECT bucket,
           count(*) FILTER (WHERE collected) AS suggestions_collected,
           histogram(source) FILTER (WHERE collected) AS suggestions_by_source,
           count(*) FILTER (WHERE resolved) AS suggestions_resolved,
           count(*) FILTER (WHERE collected AND status = $resolved) AS collected_resolved,
           count(*) FILTER (WHERE collected AND status = $resolved AND resolved_on <= resolved_by)
               AS collected_resolved_by,
           median(resolved_on - received_on) FILTER (WHERE resolved) AS median_days_to_resolve,
           count(*) FILTER (WHERE {overdue}) AS overdue,
           count(*) FILTER (WHERE {due_soon}) AS due_soon,
           histogram(outcome) FILTER (WHERE resolved AND outcome IS NOT NULL) AS suggestions_by_outcome,
           count(*) FILTER (WHERE resolved AND satisfaction IS NOT NULL) AS satisfaction_answered,
           count(*) FILTER (WHERE resolved AND satisfaction IS NOT NULL AND list_contains($satisfied, satisfaction))
               AS satisfaction_satisfied,
           count(*) FILTER (WHERE collected AND campaign IS NOT NULL AND source <> $motion) AS campaign_suggestions,
           count(*) FILTER (WHERE collected AND source = $motion
                              AND (campaign IS NOT NULL OR received_on BETWEEN first_day AND last_day))
               AS campaign_motions
    FROM sugg GROUP BY bucket
)
SELECT b.bucket, c.* EXCLUDE (bucket)
FROM buckets b LEFT JOIN counted c USING (bucket)
ORDER BY b.bucket
