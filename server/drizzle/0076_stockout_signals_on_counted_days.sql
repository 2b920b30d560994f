-- The 欠品 report sums the kept signal rows of a period without checking each against the spells: from now on
-- the job (walkSpells) drops a changed pair's rows and counts it again whole. Rows kept before that rule and no
-- longer on a counted day of a current spell go now.
DELETE FROM "analytics_stockout_signals" s
 WHERE NOT EXISTS (SELECT 1 FROM "analytics_stockouts" a
                    WHERE a."variant_id" = s."variant_id" AND a."location_id" = s."location_id"
                      AND a."first_day" <= s."day" AND coalesce(a."last_day", s."day") >= s."day"
                      AND (a."signals_at" AT TIME ZONE 'Asia/Tokyo')::date >= s."day");
