,
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
