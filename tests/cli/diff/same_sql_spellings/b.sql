-- the schema of a.sql written another way: quoting in all four styles,
-- keyword case, layout, comments, == and !=, redundant parentheses,
-- CHECKs on the table rather than the columns, numbers spelled otherwise,
-- NEW."x", no FOR EACH ROW, UPDATE OF in another order
create table "item" (
  [id] integer primary key,
  `name` text not null default ('unnamed'),
  "qty" integer not null default (0),
  price real default 1.5,   /* 1.50 */
  flags integer default 16,
  total real generated always as ((qty * price) + 1) virtual,
  check ((length(trim("name")) > 0)),
  check (((qty >= 0) and (qty != 13))),
  constraint "cheap" check ((price < 1000.0) or (name == 'gold'))
);
create table log (id integer primary key, what text not null);
create index "ix_item_name" on item (LOWER("name"), (qty + 1)) where (qty != 0);
create view [stock] as
  select "name", qty from item
  where (qty > 0) and (price < 10 or flags == 0x10);
create trigger "item_log" after update of price, "qty" on item
  when (new."qty" != old.qty)
begin
  insert into log ("what") values (('qty ' || new.name) || ' ' || NEW."qty");
end;
