-- Whether any paid order up to $day carries a buyer key (a cheap existence check; the counts
-- are in cust_identity.sql).
SELECT EXISTS (
    SELECT 1
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
) AS has_keys
