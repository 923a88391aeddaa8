-- The demo plan (jili demo generate's plan.json) computed in SQL, the way database-centred
-- commission tools compute team pay: a recursive CTE walks each seller's upline chain and window
-- functions decide who earns. It computes the month's own rules (no restatement of earlier months)
-- and writes member,rule,amount rows to standard output. Run with psql -v period=2026-11 -o FILE.
\set ON_ERROR_STOP on
set client_min_messages = warning;
set timezone = 'Asia/Shanghai';
set work_mem = '512MB';

drop table if exists params, tiers, mem, vol, chain, pay, result;
create temp table params as
  select (:'period' || '-01')::timestamptz as p_start,
         ((:'period' || '-01')::date + interval '1 month')::timestamptz as p_end,
         ((:'period' || '-01')::date - ((extract(month from (:'period' || '-01')::date)::int - 1) % 3) * interval '1 month')::timestamptz as q_start;
create temp table tiers (tier text primary key, rank int, rate numeric);
insert into tiers values ('vip', 0, 0.05), ('agent', 1, 0.08), ('general', 2, 0.12), ('director', 3, 0.15);
create temp table mem as
  select m.id, m.sponsor_id, t.rank, t.rate, m.status = 'active' as active from members m join tiers t using (tier);
alter table mem add primary key (id);

-- Period volume per seller: orders paid in the month, net of refunds up to its end.
create temp table vol as
  select o.member_id as id, sum(o.amount - coalesce(r.refunded, 0)) as vol
  from orders o cross join params p
  left join (select order_id, sum(amount) as refunded from refunds, params where refunded_at < p_end group by order_id) r
    on r.order_id = o.id
  where o.paid_at >= p.p_start and o.paid_at < p.p_end
  group by o.member_id
  having sum(o.amount - coalesce(r.refunded, 0)) <> 0;
alter table vol add primary key (id);

-- Every seller's uplines, nearest first.
create temp table chain as
  with recursive up (seller, ancestor, depth) as (
    select v.id, m.sponsor_id, 1 from vol v join mem m on m.id = v.id where m.sponsor_id is not null
    union all
    select u.seller, m.sponsor_id, u.depth + 1 from up u join mem m on m.id = u.ancestor where m.sponsor_id is not null
  )
  select c.seller, c.ancestor, c.depth, a.rank, a.rate, a.active, s.rank as seller_rank, s.rate as seller_rate, v.vol
  from up c join mem a on a.id = c.ancestor join mem s on s.id = c.seller join vol v on v.id = c.seller;

create temp table pay (id text, rule text, amount numeric);

-- retail (commission by tier)
insert into pay select v.id, 'retail', v.vol * m.rate from vol v join mem m using (id) where m.active;

-- volume (tiered, marginal: 0 → 0 %, 5000 → 1 %, 20000 → 2 %)
insert into pay select v.id, 'volume', greatest(least(v.vol, 20000) - 5000, 0) * 0.01 + greatest(v.vol - 20000, 0) * 0.02
  from vol v join mem m using (id) where m.active and v.vol > 5000;

-- jicha (differential): each active upline whose rate exceeds what was paid below earns the difference.
insert into pay
  select ancestor, 'jicha', (rate - paid_before) * vol from (
    select *, greatest(seller_rate, coalesce(max(rate) over (partition by seller order by depth
                                                             rows between unbounded preceding and 1 preceding), 0)) as paid_before
    from chain where active) w
  where rate > paid_before;

-- pingji (sameLevel, 1 %, one generation, general and director eligible)
insert into pay
  select ancestor, 'pingji', 0.01 * vol from (
    select *, row_number() over (partition by seller, level_before, rank = level_before order by depth) as nth from (
      select *, greatest(seller_rank, coalesce(max(rank) over (partition by seller order by depth
                                                               rows between unbounded preceding and 1 preceding), -1)) as level_before
      from chain where active) l) w
  where rank = level_before and rank >= 2 and nth <= 1;

-- team (override 2 %, 1 %; qualified = active with own volume ≥ 1000; compression)
insert into pay
  select ancestor, 'team', case g when 1 then 0.02 else 0.01 end * vol from (
    select c.*, row_number() over (partition by c.seller order by c.depth) as g
    from chain c join vol av on av.id = c.ancestor where c.active and av.vol >= 1000) q
  where g <= 2;

-- goal (month: 100 % → 200, 150 % → 500)
insert into pay
  select g.member_id, 'goal', case when v.vol >= 1.5 * g.target then 500 else 200 end
  from goals g join vol v on v.id = g.member_id join mem m on m.id = g.member_id
  where g.period = :'period' and m.active and v.vol >= g.target;

-- champion (quarter, ranks 1–3: 3000, 2000, 1000), only in a quarter's last month
insert into pay
  select id, 'champion', case rk when 1 then 3000 when 2 then 2000 else 1000 end from (
    select w.id, rank() over (order by w.vol desc) as rk from (
      select o.member_id as id, sum(o.amount - coalesce(r.refunded, 0)) as vol
      from orders o cross join params p
      left join (select order_id, sum(amount) as refunded from refunds, params where refunded_at < p_end group by order_id) r
        on r.order_id = o.id
      where o.paid_at >= p.q_start and o.paid_at < p.p_end
      group by o.member_id) w join mem m on m.id = w.id
    where m.active and w.vol >= 0.01) r, params
  where rk <= 3 and extract(month from params.p_start)::int % 3 = 0;

-- Round once per member and rule (numeric round is half away from zero), then the cap of 50000.
create temp table result as
  select id, rule, round(sum(amount), 2) as amount from pay group by id, rule having round(sum(amount), 2) <> 0;
insert into result select id, 'cap', 50000 - sum(amount) from result group by id having sum(amount) > 50000;

copy (select id, rule, amount from result order by id, rule) to stdout with (format csv);
