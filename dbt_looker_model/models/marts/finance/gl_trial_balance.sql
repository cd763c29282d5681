-- Trial balance per company, fiscal year, fiscal period and account (FINANCE-MARTS "Trial balance"), from
-- Sage's fiscal sets (GLAccountFiscalSets, actuals in functional currency): opening balance per account and
-- year as Sage carries it (balance-sheet and retained-earnings accounts from the prior year; income-statement
-- accounts at zero), net change of periods 1..N of the fiscal calendar, 14 (adjustment) and 15 (closing,
-- where the year-end close moves income to the retained-earnings account of each segment). Debits, credits
-- and gl_net_change come from the posted GL transactions loaded (the loaded window); gl_complete marks the
-- periods the loaded GL fully covers, where gl_net_change must equal the fiscal set's net change (an error
-- test). currency_basis: functional.
-- Invariants (tested): closing = opening + net_change = the fiscal-set balance; opening(p+1) = closing(p);
-- Σ closing over accounts = 0 per company and period; debits = credits per complete period.
with fiscal_sets as (
    select *
    from {{ ref('stg_sage300__gl_account_fiscal_sets') }}
    where lower(fiscal_set_designator) in ('actuals', 'actual', 'a')
      and lower(coalesce(currency_type, 'functional')) like 'f%'
),
fs_periods as (
    {%- for n in range(1, 16) %}
    select company_id, account_number as account_code, cast(fiscal_year as integer) as fiscal_year,
           {{ n }} as fiscal_period, opening_balance as year_opening_balance, net_period_{{ n }} as net_change
    from fiscal_sets
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),
calendar as (
    select company_id, fiscal_year, count(*) as number_of_periods, max(period_end_date) as year_end_date
    from {{ ref('int_fiscal_periods') }}
    group by company_id, fiscal_year
),
movements as (
    select company_id, account_code, fiscal_year, fiscal_period,
           sum(debit_amount) as debits, sum(credit_amount) as credits, sum(amount) as net_change,
           count(*) as transaction_count
    from {{ ref('fct_gl_posted_lines') }}
    group by company_id, account_code, fiscal_year, fiscal_period
),
first_loaded as (
    select company_id, min(journal_date) as first_journal_date
    from {{ ref('fct_gl_posted_lines') }}
    group by company_id
),
grid as (
    select f.*,
           c.year_end_date,
           coalesce(f.year_opening_balance, 0) + coalesce(sum(f.net_change) over (
               partition by f.company_id, f.account_code, f.fiscal_year
               order by f.fiscal_period rows between unbounded preceding and 1 preceding), 0) as opening_balance
    from fs_periods as f
    left join calendar as c on c.company_id = f.company_id and c.fiscal_year = f.fiscal_year
    where f.fiscal_period <= coalesce(c.number_of_periods, 13) or f.fiscal_period >= 14
)
select
    {{ surrogate_key(['g.company_id', 'g.fiscal_year', 'g.fiscal_period', 'g.account_code']) }} as trial_balance_key,
    coalesce(d.account_key, {{ surrogate_key(['g.company_id', 'g.account_code']) }}) as account_key,
    {{ surrogate_key(['g.company_id', 'g.fiscal_year', 'g.fiscal_period']) }} as fiscal_period_key,
    g.company_id,
    g.fiscal_year,
    g.fiscal_period,
    case when g.fiscal_period = 14 then 'adjustment' when g.fiscal_period = 15 then 'closing'
         else 'P' || lpad(cast(g.fiscal_period as varchar), 2, '0') end as period_label,
    g.fiscal_period = 14 as is_adjustment_period,
    g.fiscal_period = 15 as is_closing_period,
    coalesce(p.period_start_date, case when g.fiscal_period >= 14 then g.year_end_date end) as period_start_date,
    coalesce(p.period_end_date, case when g.fiscal_period >= 14 then g.year_end_date end) as period_end_date,
    p.period_start_date is not null or g.fiscal_period >= 14 as in_fiscal_calendar,
    g.account_code,
    d.account_number,
    d.account_description,
    d.statement_line,
    d.statement_sort_order,
    coalesce(d.balance_type, 'balance_sheet') as balance_type,
    lower(replace(coalesce(d.account_type, ''), ' ', '')) like 'retained%' as is_retained_earnings,
    d.cost_center_code,
    d.profit_center_code,
    g.opening_balance,
    coalesce(m.debits, 0) as debits,
    coalesce(m.credits, 0) as credits,
    coalesce(m.net_change, 0) as gl_net_change,
    coalesce(m.transaction_count, 0) as transaction_count,
    coalesce(fl.first_journal_date <= coalesce(p.period_start_date, g.year_end_date), false) as gl_complete,
    g.net_change,
    g.opening_balance + g.net_change as closing_balance,
    c.functional_currency,
    'functional' as currency_basis
from grid as g
left join {{ ref('int_fiscal_periods') }} as p
    on p.company_id = g.company_id and p.fiscal_year = g.fiscal_year and p.fiscal_period = g.fiscal_period
left join movements as m
    on m.company_id = g.company_id and m.account_code = g.account_code
   and m.fiscal_year = g.fiscal_year and m.fiscal_period = g.fiscal_period
left join first_loaded as fl on fl.company_id = g.company_id
left join {{ ref('dim_gl_account') }} as d on d.company_id = g.company_id and d.account_code = g.account_code
left join {{ ref('dim_company') }} as c on c.company_id = g.company_id
