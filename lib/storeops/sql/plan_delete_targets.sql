-- Remove the plan's earlier rows for one year before writing the new ones (same transaction).
-- $store: shop_id; $first, $last: the year's first and last day; $owner: the plan's owner tag.
DELETE FROM targets
WHERE shop_id = $store
  AND period_start BETWEEN $first AND $last
  AND owner = $owner
RETURNING 1 AS deleted
