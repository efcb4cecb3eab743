-- a.sql written another way (as in same_sql_spellings, but for the DEFAULTs,
-- whose text PRAGMA table_info shows as written), except for one thing:
-- the parentheses of the view's WHERE
create table "item" (
  [id] integer primary key,
  `name` text not null default 'unnamed',
  "qty" integer not null default 0,
  price real default 1.50,
  flags integer default 0x10,
  total real generated always as ((qty * price) + 1) virtual,
  check ((length(trim("name")) > 0)),
  check (((qty >= 0) and (qty != 13))),
  constraint "cheap" check ((price < 1000.0) or (name == 'gold'))
);
create table log (id integer primary key, what text not null);
create index "ix_item_name" on item (LOWER("name"), (qty + 1)) where (qty != 0);
create view [stock] as
  select "name", qty from item
  where (qty > 0 and price < 10) or flags == 0x10;
create trigger "item_log" after update of price, "qty" on item
  when (new."qty" != old.qty)
begin
  insert into log ("what") values (('qty ' || new.name) || ' ' || NEW."qty");
end;
