-- workload.sql: what the real-program suite runs through sqlite3's shell
-- (sqlite3 -batch -init /dev/null < workload). The suite replaces @ROWS@
-- with the number of orders to insert.
--
-- Tables, @ROWS@ rows inserted in one transaction, indexes, joins and
-- aggregates, a full-text index queried by prefix before its terms are
-- written (FTS4 sorts the pending terms with the C library's qsort, whose
-- comparator is the program's: a callback through code without hooks),
-- and one statement that fails.
.headers on
.mode list
CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER NOT NULL REFERENCES customer (id),
                     amount REAL, note TEXT);
BEGIN;
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO customer SELECT i, 'customer ' || i, 'city ' || (i % 37) FROM n;
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @ROWS@)
INSERT INTO orders SELECT i, 1 + (i * 7919) % 1000, (i * 104729) % 10007 / 100.0,
                          printf ('order %d of %s', i, hex (i * 31)) FROM n;
COMMIT;
CREATE INDEX orders_customer ON orders (customer);
CREATE INDEX customer_city ON customer (city);
SELECT count (*), sum (amount), min (note), max (note) FROM orders;
SELECT c.city, count (*) AS orders, round (sum (o.amount), 2) AS total, round (avg (o.amount), 4) AS mean
  FROM orders o JOIN customer c ON c.id = o.customer
  GROUP BY c.city ORDER BY total DESC LIMIT 5;
SELECT c.name, count (o.id) FROM customer c LEFT JOIN orders o ON o.customer = c.id
  WHERE c.city = 'city 3' GROUP BY c.id HAVING count (o.id) > 0 ORDER BY 2 DESC, 1 LIMIT 5;
SELECT customer, amount FROM orders WHERE customer IN (SELECT id FROM customer WHERE city = 'city 7')
  ORDER BY amount DESC, customer LIMIT 3;
UPDATE orders SET amount = amount * 2 WHERE customer % 10 = 0;
DELETE FROM orders WHERE id % 3 = 0;
SELECT count (*), round (sum (amount), 2), group_concat (DISTINCT substr (note, 1, 7)) FROM orders;
SELECT upper (name), length (name), instr (name, '9') FROM customer ORDER BY name DESC LIMIT 3;
CREATE VIRTUAL TABLE notes USING fts4 (body);
BEGIN;
INSERT INTO notes (docid, body) SELECT id, note FROM orders WHERE id <= 3000;
SELECT count (*) FROM notes WHERE body MATCH '1*';
COMMIT;
SELECT count (*) FROM notes WHERE body MATCH 'order 2*';
INSERT INTO no_such_table VALUES (1);
SELECT 'after the failure', total_changes ();
