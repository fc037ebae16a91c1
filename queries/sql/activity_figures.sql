-- The figures counted from the activity register (活动记录) for every bucket (a period:
-- $starts[i] .. $ends[i]) of the scope, in one scan: the columns are the aggregates asked for
-- (metrics.ACTIVITY_COLUMNS, one definition per figure), `kinds` the kinds they count when none
-- counts every kind (metrics.ACTIVITY_KINDS_READ), and the tally the stations' count when
-- 每站最少活动次数 is asked for.
WITH buckets AS (
    SELECT unnest(range(1, len($starts::DATE[]) + 1)) AS bucket,
           unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end
),
acts AS (
    SELECT b.bucket, a.kind, a.theme, a.title, a.station_id, a.evaluated_unit, a.attendees, a.voters_received
    FROM activities_in($first, $last, $towns) a
    JOIN buckets b ON a.date BETWEEN b.bucket_start AND b.bucket_end{kinds}
),
counted AS (SELECT bucket, {columns} FROM acts GROUP BY bucket){tally}
-- Only the buckets with rows: metrics._by_bucket gives the others (a join to `buckets` here
-- costs about a millisecond, a fifth of a small scope's statement).
SELECT * FROM counted c{tally_join}
