-- Whether this connection is read-only (its customers temp tables can then be reused).
SELECT current_setting('access_mode') = 'read_only' AS read_only
