-- Reviews written on $day (DATE), with the item title from the order lines when known.
WITH source AS (
    SELECT *
    FROM reviews
    WHERE review_time >= $day::TIMESTAMP AND review_time < ($day + 1)::TIMESTAMP
),

titles AS (
    SELECT item_id, any_value(title) AS title
    FROM order_items
    WHERE item_id IN (SELECT item_id FROM source)
    GROUP BY item_id
)

SELECT
    s.review_id,
    s.review_time,
    s.order_id,
    s.item_id,
    t.title,
    s.sku_text,
    s.buyer_nick_masked,
    s.rating,
    s.content,
    s.append_content,
    s.has_image,
    s.seller_reply
FROM source AS s
LEFT JOIN titles AS t USING (item_id)
ORDER BY s.review_time, s.review_id
