-- PERSONAL DATA. Contact rows (clear nick, receiver name and mobile, province/city, latest paid
-- order) of the buyers in $keys (list of buyer_key). Only for the private recall lists.
SELECT
    buyer_key,
    buyer_nick,
    receiver_name,
    receiver_phone,
    receiver_province,
    receiver_city,
    last_order_id,
    last_paid_at
FROM buyer_contacts
WHERE list_contains($keys, buyer_key)
ORDER BY buyer_key
