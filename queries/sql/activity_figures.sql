-- The contract metrics of the activity register (活动记录), and the work-summary figures
-- counted from it, for every bucket (a period: $starts[i] .. $ends[i]) of the scope in one
-- scan. Each column restates one definition of queries/metrics.py (the function of the
-- same name documents it); splits arrive as maps (label -> count), ordered in Python.
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end
),
acts AS (
    SELECT b.bucket, a.kind, a.theme, a.title, a.station_id, a.evaluated_unit, a.attendees, a.voters_received
    FROM activities_in($first, $last, $towns) a
    JOIN buckets b ON a.date BETWEEN b.bucket_start AND b.bucket_end
),
counted AS (
    SELECT bucket,
           count(*) AS activities_total,
           count(*) FILTER (WHERE list_contains($inspection_kinds, kind)) AS inspections,
           histogram(coalesce(theme, $not_filled)) FILTER (WHERE list_contains($inspection_kinds, kind))
               AS inspections_by_theme,
           count(*) FILTER (WHERE list_contains($supervision_kinds, kind)) AS supervision,
           histogram(kind) FILTER (WHERE list_contains($supervision_kinds, kind)) AS supervision_by_kind,
           count(DISTINCT evaluated_unit) FILTER (WHERE kind = $evaluation_kind) AS evaluated_units,
           histogram(station_id) FILTER (WHERE station_id IS NOT NULL) AS station_activities,
           count(*) FILTER (WHERE kind = $reception_kind) AS reception_days,
           coalesce(sum(voters_received), 0) AS voter_contacts,
           count(*) FILTER (WHERE kind = $meeting_kind) AS meetings,
           histogram({meeting_type}) FILTER (WHERE kind = $meeting_kind) AS meetings_by_type,
           count(*) FILTER (WHERE kind = $training_kind) AS trainings,
           coalesce(sum(attendees) FILTER (WHERE kind = $training_kind), 0) AS training_attendance
    FROM acts GROUP BY bucket
),
-- 每站最少活动次数: each roster station standing at the bucket's end, with its activities.
tally AS (
    SELECT b.bucket, s.station_id, count(a.station_id) AS activities
    FROM buckets b
    JOIN stations s ON s.township_code IN (SELECT unnest($towns))
                   AND (s.established_on IS NULL OR s.established_on <= b.bucket_end)
    LEFT JOIN acts a ON a.bucket = b.bucket AND a.station_id = s.station_id
    GROUP BY ALL
),
fewest AS (SELECT bucket, min(activities) AS station_activities_min FROM tally GROUP BY bucket)
SELECT b.bucket, c.* EXCLUDE (bucket), f.station_activities_min
FROM buckets b LEFT JOIN counted c USING (bucket) LEFT JOIN fewest f USING (bucket)
ORDER BY b.bucket
