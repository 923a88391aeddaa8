-- Loads demo CSV files (jili demo generate) into typed tables, as a database-centred commission
-- tool would hold them. Run with psql -v dir=FOLDER. Timed separately from the computation.
\set ON_ERROR_STOP on
set client_min_messages = warning;
set timezone = 'Asia/Shanghai';
drop table if exists members, orders, refunds, goals, staging_orders, staging_refunds cascade;

create table members (id text primary key, name text, sponsor_id text, tier text, joined_at date, status text);
create unlogged table staging_orders (id text, member_id text, paid_at text, amount numeric(14,2), cost numeric(14,2),
                                      category text, product_id text, quantity int);
create unlogged table staging_refunds (id text, order_id text, refunded_at text, amount numeric(14,2));
create table goals (member_id text, period text, target numeric(14,2));

\set members_file :dir '/members.csv'
\set orders_file :dir '/orders.csv'
\set refunds_file :dir '/refunds.csv'
\set goals_file :dir '/goals.csv'
copy members from :'members_file' with (format csv, header true);
copy staging_orders from :'orders_file' with (format csv, header true);
copy staging_refunds from :'refunds_file' with (format csv, header true);
copy goals from :'goals_file' with (format csv, header true);

-- Timestamps without an offset are local to the plan's zone: the session's time zone above.
create table orders as
  select id, member_id, paid_at::timestamptz as paid_at, amount, cost, category, product_id, quantity from staging_orders;
create table refunds as
  select id, order_id, refunded_at::timestamptz as refunded_at, amount from staging_refunds;
drop table staging_orders, staging_refunds;
alter table orders add primary key (id);
alter table refunds add primary key (id);
create index on members (sponsor_id);
create index on orders (paid_at);
create index on refunds (order_id);
analyze members; analyze orders; analyze refunds; analyze goals;
