CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE INDEX ix_product_price ON product (price);
CREATE VIEW cheap AS SELECT name, price FROM product WHERE price < 10;
CREATE VIEW cheap_count AS SELECT count(*) AS n FROM cheap;
CREATE TRIGGER product_priced AFTER UPDATE OF price ON product BEGIN INSERT INTO audit (what) VALUES (NEW.name); END;
CREATE TRIGGER cheap_insert INSTEAD OF INSERT ON cheap BEGIN INSERT INTO product (name, price) VALUES (NEW.name, NEW.price); END;
INSERT INTO product VALUES (1, 'cup', 2.5), (2, 'pot', 20), (3, 'pan', 9.99);
