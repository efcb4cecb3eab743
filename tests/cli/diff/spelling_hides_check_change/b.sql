-- a.sql written another way, except for where one CHECK's parentheses are
create table "item" (
  [id] integer primary key,
  `qty` integer not null default 0,
  price real default 1.50,
  flags integer default 0x10,
  check (((qty > 0) and (price > 0)) or flags == 1)
);
create table [tag] ("id" integer primary key, label text,
  check ((length("label") between 1 and 20) and (label != 'x')));
