-- Inventory turnover per company, calendar month and product line (FINANCE-MARTS "Inventory turnover").
-- average_inventory_value = Σ daily inventory value / snapshot_days, over the days that have a snapshot
-- (missing days are missing, not zero: snapshot_days says how many of days_in_period were captured).
-- cogs = COGSAmount of the invoiced AR item lines in the month, by invoice date (the same cost as
-- margin_by_product_line).
-- turnover = cogs / average inventory; days_inventory_outstanding = days_in_period / turnover.
-- currency_basis: functional (inventory at IC average cost; Sage books COGSAmount in functional currency).
with captured as (
    -- snapshot days are counted per company: a line with no items on a captured day is a real zero
    select company_id, {{ month_start('snapshot_date') }} as period_start, count(distinct snapshot_date) as snapshot_days
    from {{ ref('fct_inventory_daily') }}
    group by company_id, {{ month_start('snapshot_date') }}
),
inventory as (
    select company_id, {{ month_start('snapshot_date') }} as period_start, product_family, product_line,
           sum(inventory_value) as inventory_value_day_sum
    from {{ ref('fct_inventory_daily') }}
    group by company_id, {{ month_start('snapshot_date') }}, product_family, product_line
),
cogs as (
    select company_id, {{ month_start('invoice_date') }} as period_start, product_family, product_line, sum(cost) as cogs
    from {{ ref('fct_ar_invoice_lines') }}
    where line_kind = 'item'
    group by company_id, {{ month_start('invoice_date') }}, product_family, product_line
),
keys as (
    select company_id, period_start, product_family, product_line from inventory
    union select company_id, period_start, product_family, product_line from cogs
),
joined as (
    select
        k.company_id,
        k.period_start,
        cast(k.period_start + interval '1 month' as date) - 1 as period_end,
        cast(k.period_start + interval '1 month' as date) - k.period_start as days_in_period,
        k.product_family,
        k.product_line,
        coalesce(c.snapshot_days, 0) as snapshot_days,
        coalesce(i.inventory_value_day_sum, 0) as inventory_value_day_sum,
        coalesce(g.cogs, 0) as cogs
    from keys as k
    left join captured as c on c.company_id = k.company_id and c.period_start = k.period_start
    left join inventory as i
        on i.company_id = k.company_id and i.period_start = k.period_start
       and i.product_family = k.product_family and i.product_line = k.product_line
    left join cogs as g
        on g.company_id = k.company_id and g.period_start = k.period_start
       and g.product_family = k.product_family and g.product_line = k.product_line
),
averaged as (
    select j.*, {{ exact_divide('inventory_value_day_sum', 'nullif(snapshot_days, 0)', 3) }} as average_inventory_value
    from joined as j
)
select
    {{ surrogate_key(['a.company_id', 'a.period_start', 'a.product_family', 'a.product_line']) }} as turnover_key,
    a.*,
    {{ exact_divide('a.cogs', 'a.average_inventory_value', 4) }} as turnover,
    {{ exact_divide('a.days_in_period * a.average_inventory_value', 'a.cogs', 1) }} as days_inventory_outstanding,
    co.functional_currency,
    'functional' as currency_basis
from averaged as a
left join {{ ref('dim_company') }} as co on co.company_id = a.company_id
