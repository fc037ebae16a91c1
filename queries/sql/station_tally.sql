,
-- 每站最少活动次数: each roster station standing at the bucket's end, with its activities (the scope's
-- stations chosen before the join: a join condition would pair every station of a province first).
tally AS (
    SELECT b.bucket, s.station_id, count(a.station_id) AS activities
    FROM buckets b
    JOIN (SELECT station_id, established_on FROM stations WHERE township_code IN (SELECT unnest($towns))) s
      ON s.established_on IS NULL OR s.established_on <= b.bucket_end
    LEFT JOIN acts a ON a.bucket = b.bucket AND a.station_id = s.station_id
    GROUP BY ALL
),
fewest AS (SELECT bucket, min(activities) AS station_activities_min FROM tally GROUP BY bucket)
