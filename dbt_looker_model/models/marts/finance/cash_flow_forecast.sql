-- Weekly cash-flow forecast from each as-of date D (FINANCE-MARTS "Weekly cash-flow forecast"), per company
-- and currency. Weeks start on Monday; week 1 is the week containing D and also holds everything overdue;
-- weeks 2..horizon follow, week horizon+1 is "beyond" (all later dates). Inflows = open AR (fct_ar_open_items)
-- by expected receipt date = due date (or due date + the customer's average days late when
-- var forecast_use_days_late), each payment-schedule line on its own due date (fct_ar_open_instalments);
-- outflows = open AP (fct_ap_open_items) by due date. Unapplied cash and prepayments count on their own date.
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
flows as (
    select as_of_date, company_id, currency_code, expected_date, open_amount as inflow,
           cast(0 as decimal(19, 3)) as outflow
    from ar
    union all
    select as_of_date, company_id, currency_code, due_date, cast(0 as decimal(19, 3)), open_amount
    from {{ ref('fct_ap_open_items') }}
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
),
totals as (
    select as_of_date, company_id, currency_code, week_number, sum(inflow) as inflows, sum(outflow) as outflows
    from bucketed
    group by as_of_date, company_id, currency_code, week_number
),
grid as (
    select
        s.as_of_date, s.company_id, s.currency_code, w.week_number,
        coalesce(t.inflows, 0) as inflows,
        coalesce(t.outflows, 0) as outflows
    from series as s
    cross join weeks as w
    left join totals as t
        on t.as_of_date = s.as_of_date and t.company_id = s.company_id
       and t.currency_code is not distinct from s.currency_code and t.week_number = w.week_number
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
    'source' as currency_basis
from grid as g
