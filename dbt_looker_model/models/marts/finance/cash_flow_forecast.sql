-- Weekly cash-flow forecast from each as-of date D (FINANCE-MARTS "Weekly cash-flow forecast"), per company
-- and currency. Weeks start on Monday; week 1 is the week containing D and also holds everything overdue;
-- weeks 2..horizon follow, week horizon+1 is "beyond" (all later dates). Inflows = open AR (fct_ar_open_items)
-- by expected receipt date = due date (or due date + the customer's average days late when
-- var forecast_use_days_late), each payment-schedule line on its own due date (fct_ar_open_instalments);
-- outflows = open AP (fct_ap_open_items) by due date. Unapplied cash and prepayments count on their own date.
-- PO commitments: the open quantity (ordered − received) of each line of a purchase order dated ≤ D that is
-- not completed, × its unit cost, in the PO's currency, by the PO's expected arrival date (received
-- quantities are today's: Sage keeps no receipt history on the PO, so earlier as-of dates count what is still
-- open today). Only POs in the loaded window are known.
-- starting_cash: the posted GL balance of the cash accounts (statement line 'Cash and bank' of the seed
-- gl_statement_lines) at the end of D, per currency: a multicurrency account's Source fiscal sets give its
-- balance in each currency, any other account's Functional set its functional balance; the posted lines
-- dated after D (all in the loaded window when D is in it) are taken off today's balance.
-- projected_cash = starting_cash + Σ (inflows − outflows − po_commitments) up to and including the week.
-- currency_basis: source (the documents' currency; never summed across currencies).
-- Invariant (tested): Σ inflows over all weeks = open AR; Σ outflows = open AP, per as-of, company, currency.
{%- set horizon = var('forecast_horizon_weeks', 13) | int %}
with ar as (
    select o.as_of_date, o.company_id, o.currency_code, o.open_amount,
        {%- if var('forecast_use_days_late', false) %}
           o.due_date + cast(greatest(coalesce(round(pb.avg_days_late_90d, 0), 0), 0) as integer) as expected_date
        {%- else %}
           o.due_date as expected_date
        {%- endif %}
    from {{ ref('fct_ar_open_instalments') }} as o
    left join {{ ref('int_ar_payment_behaviour') }} as pb
        on pb.as_of_date = o.as_of_date and pb.company_id = o.company_id and pb.customer_number = o.customer_number
),
po_commitments as (
    select a.as_of_date, h.company_id, h.currency_code, h.expected_arrival_date as expected_date,
           cast((l.quantity_ordered - l.quantity_received) * l.unit_cost as decimal(19, 3)) as commitment
    from {{ ref('int_as_of_dates') }} as a
    inner join {{ sage_source('po_purchase_orders') }} as h on h.purchase_order_date <= a.as_of_date
    inner join {{ sage_source('po_purchase_order_lines') }} as l
        on l.company_id = h.company_id and l.purchase_order_sequence_key = h.purchase_order_sequence_key
    where lower(coalesce(h.status, '')) not in ('completed', 'complete')
      and l.quantity_ordered > l.quantity_received
),
cash_accounts as (
    select company_id, account_code from {{ ref('dim_gl_account') }} where statement_line = 'Cash and bank'
),
cash_sets as (
    select f.company_id, f.account_number as account_code, cast(f.fiscal_year as integer) as fiscal_year,
           lower(f.currency_type) like 's%' as is_source,
           case when lower(f.currency_type) like 's%' then f.currency_code else c.functional_currency end
               as currency_code,
           f.opening_balance {%- for n in range(1, 16) %} + f.net_period_{{ n }}{% endfor %} as closing_balance
    from {{ ref('stg_sage300__gl_account_fiscal_sets') }} as f
    inner join cash_accounts as a on a.company_id = f.company_id and a.account_code = f.account_number
    left join {{ ref('dim_company') }} as c on c.company_id = f.company_id
    where lower(f.fiscal_set_designator) in ('actuals', 'actual', 'a')
      and (lower(coalesce(f.currency_type, 'functional')) like 'f%' or lower(f.currency_type) like 's%')
),
cash_basis as (
    -- per account: its Source sets when Sage keeps them (multicurrency), else its Functional set
    select company_id, account_code, bool_or(is_source) as has_source from cash_sets group by company_id, account_code
),
cash_today as (
    select s.company_id, s.account_code, s.currency_code, b.has_source, sum(s.closing_balance) as balance
    from cash_sets as s
    inner join cash_basis as b on b.company_id = s.company_id and b.account_code = s.account_code
    where s.is_source = b.has_source
      and s.fiscal_year = (select max(x.fiscal_year) from cash_sets as x
                           where x.company_id = s.company_id and x.account_code = s.account_code
                             and x.is_source = s.is_source and x.currency_code = s.currency_code)
    group by s.company_id, s.account_code, s.currency_code, b.has_source
),
starting_cash as (
    select a.as_of_date, t.company_id, t.currency_code,
           sum(t.balance - coalesce((
               select sum(case when t.has_source then g.source_currency_amount else g.amount end)
               from {{ ref('fct_gl_posted_lines') }} as g
               where g.company_id = t.company_id and g.account_code = t.account_code and g.journal_date > a.as_of_date
                 and (not t.has_source or g.source_currency_code = t.currency_code)), 0)) as starting_cash
    from {{ ref('int_as_of_dates') }} as a
    cross join cash_today as t
    group by a.as_of_date, t.company_id, t.currency_code
),
flows as (
    select as_of_date, company_id, currency_code, expected_date, open_amount as inflow,
           cast(0 as decimal(19, 3)) as outflow, cast(0 as decimal(19, 3)) as commitment
    from ar
    union all
    select as_of_date, company_id, currency_code, due_date, cast(0 as decimal(19, 3)), open_amount,
           cast(0 as decimal(19, 3))
    from {{ ref('fct_ap_open_items') }}
    union all
    select as_of_date, company_id, currency_code, expected_date, cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)),
           commitment
    from po_commitments
),
bucketed as (
    select
        f.*,
        case
            when f.expected_date < {{ week_start('f.as_of_date') }} + 7 then 1
            else least(
                cast(({{ week_start('f.expected_date') }} - {{ week_start('f.as_of_date') }}) / 7 as integer) + 1,
                {{ horizon + 1 }})
        end as week_number
    from flows as f
),
weeks as (
    {%- for n in range(1, horizon + 2) %}
    select {{ n }} as week_number{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),
series as (
    select distinct as_of_date, company_id, currency_code from flows
    union
    select as_of_date, company_id, currency_code from starting_cash
),
totals as (
    select as_of_date, company_id, currency_code, week_number, sum(inflow) as inflows, sum(outflow) as outflows,
           sum(commitment) as po_commitments
    from bucketed
    group by as_of_date, company_id, currency_code, week_number
),
grid as (
    select
        s.as_of_date, s.company_id, s.currency_code, w.week_number,
        coalesce(t.inflows, 0) as inflows,
        coalesce(t.outflows, 0) as outflows,
        coalesce(t.po_commitments, 0) as po_commitments,
        coalesce(c.starting_cash, 0) as starting_cash
    from series as s
    cross join weeks as w
    left join totals as t
        on t.as_of_date = s.as_of_date and t.company_id = s.company_id
       and t.currency_code is not distinct from s.currency_code and t.week_number = w.week_number
    left join starting_cash as c
        on c.as_of_date = s.as_of_date and c.company_id = s.company_id and c.currency_code = s.currency_code
)
select
    {{ surrogate_key(['g.as_of_date', 'g.company_id', 'g.currency_code', 'g.week_number']) }} as forecast_key,
    g.as_of_date,
    g.company_id,
    g.currency_code,
    g.week_number,
    g.week_number > {{ horizon }} as is_beyond_horizon,
    case when g.week_number > {{ horizon }} then 'beyond'
         else 'W' || lpad(cast(g.week_number as varchar), 2, '0') end as week_label,
    {{ week_start('g.as_of_date') }} + 7 * (g.week_number - 1) as week_start_date,
    case when g.week_number > {{ horizon }} then null
         else {{ week_start('g.as_of_date') }} + 7 * (g.week_number - 1) + 6 end as week_end_date,
    g.inflows,
    g.outflows,
    g.inflows - g.outflows as net_flow,
    sum(g.inflows - g.outflows) over (
        partition by g.as_of_date, g.company_id, g.currency_code
        order by g.week_number
        rows between unbounded preceding and current row
    ) as cumulative_net_flow,
    g.po_commitments,
    g.starting_cash,
    g.starting_cash + sum(g.inflows - g.outflows - g.po_commitments) over (
        partition by g.as_of_date, g.company_id, g.currency_code
        order by g.week_number
        rows between unbounded preceding and current row
    ) as projected_cash,
    'source' as currency_basis
from grid as g
