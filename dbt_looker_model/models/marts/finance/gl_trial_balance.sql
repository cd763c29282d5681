-- Trial balance per company, fiscal year, fiscal period and account (FINANCE-MARTS "Trial balance"), from
-- posted GL transactions; period dates from the fiscal calendar. Balance-sheet accounts carry their balance
-- across years; income-statement accounts open each fiscal year at zero, and their prior years' net rolls
-- into the company's retained-earnings account (AccountType RetainedEarnings, the lowest if several) as
-- year_end_rollforward in the first period of the year, as Sage's year-end close would. Every account with
-- posted activity gets a row for every period of the calendar (plus any period the GL uses that the
-- calendar lacks, in_fiscal_calendar = false).
-- currency_basis: functional. Invariants (tested): Σ debits = Σ credits per company and period; closing =
-- opening + debits − credits; opening(p+1) = closing(p) + year_end_rollforward(p+1); with a retained-earnings
-- account, Σ closing over accounts = 0 per company and period.
with movements as (
    select company_id, account_code, fiscal_year, fiscal_period,
           sum(debit_amount) as debits, sum(credit_amount) as credits, sum(amount) as net_change,
           count(*) as transaction_count
    from {{ ref('fct_gl_posted_lines') }}
    group by company_id, account_code, fiscal_year, fiscal_period
),
periods as (
    select company_id, fiscal_year, fiscal_period, period_start_date, period_end_date, true as in_fiscal_calendar
    from {{ ref('int_fiscal_periods') }}
    union all
    select distinct m.company_id, m.fiscal_year, m.fiscal_period, cast(null as date), cast(null as date), false
    from movements as m
    where not exists (
        select 1 from {{ ref('int_fiscal_periods') }} as p
        where p.company_id = m.company_id and p.fiscal_year = m.fiscal_year and p.fiscal_period = m.fiscal_period
    )
),
retained as (
    select company_id, min(account_code) as account_code
    from {{ ref('dim_gl_account') }}
    where lower(replace(account_type, ' ', '')) like 'retained%'
    group by company_id
),
accounts as (
    select distinct company_id, account_code from movements
    union
    select r.company_id, r.account_code from retained as r
    where exists (select 1 from movements as m where m.company_id = r.company_id)
),
income_by_year as (
    -- net income-statement movement per company and fiscal year (what a year-end close moves to retained earnings)
    select m.company_id, m.fiscal_year, sum(m.net_change) as net_income_movement
    from movements as m
    inner join {{ ref('dim_gl_account') }} as d on d.company_id = m.company_id and d.account_code = m.account_code
    where d.balance_type = 'income_statement'
    group by m.company_id, m.fiscal_year
),
grid as (
    select a.company_id, a.account_code, p.fiscal_year, p.fiscal_period, p.period_start_date, p.period_end_date,
           p.in_fiscal_calendar
    from accounts as a
    inner join periods as p on p.company_id = a.company_id
),
filled as (
    select
        g.*,
        coalesce(m.debits, 0) as debits,
        coalesce(m.credits, 0) as credits,
        coalesce(m.net_change, 0) as net_change,
        coalesce(m.transaction_count, 0) as transaction_count,
        coalesce(d.balance_type, 'balance_sheet') as balance_type,
        d.account_key,
        d.account_number,
        d.account_description,
        d.statement_line,
        d.statement_sort_order,
        d.cost_center_code,
        d.profit_center_code,
        r.account_code is not null as is_retained_earnings,
        min(g.fiscal_period) over (partition by g.company_id, g.account_code, g.fiscal_year) = g.fiscal_period
            as is_first_period_of_year
    from grid as g
    left join movements as m
        on m.company_id = g.company_id and m.account_code = g.account_code
       and m.fiscal_year = g.fiscal_year and m.fiscal_period = g.fiscal_period
    left join {{ ref('dim_gl_account') }} as d
        on d.company_id = g.company_id and d.account_code = g.account_code
    left join retained as r
        on r.company_id = g.company_id and r.account_code = g.account_code
),
rolled as (
    select
        f.*,
        case when f.is_retained_earnings then coalesce((
            select sum(y.net_income_movement) from income_by_year as y
            where y.company_id = f.company_id and y.fiscal_year < f.fiscal_year), 0) else 0 end as prior_years_income,
        case when f.is_retained_earnings and f.is_first_period_of_year then coalesce((
            select sum(y.net_income_movement) from income_by_year as y
            where y.company_id = f.company_id and y.fiscal_year = f.fiscal_year - 1), 0) else 0 end as year_end_rollforward
    from filled as f
),
balances as (
    select
        f.*,
        coalesce(case
            when f.balance_type = 'income_statement' then sum(f.net_change) over (
                partition by f.company_id, f.account_code, f.fiscal_year
                order by f.fiscal_period rows between unbounded preceding and 1 preceding)
            else sum(f.net_change) over (
                partition by f.company_id, f.account_code
                order by f.fiscal_year, f.fiscal_period rows between unbounded preceding and 1 preceding)
        end, 0) + f.prior_years_income as opening_balance
    from rolled as f
)
select
    {{ surrogate_key(['b.company_id', 'b.fiscal_year', 'b.fiscal_period', 'b.account_code']) }} as trial_balance_key,
    coalesce(b.account_key, {{ surrogate_key(['b.company_id', 'b.account_code']) }}) as account_key,
    {{ surrogate_key(['b.company_id', 'b.fiscal_year', 'b.fiscal_period']) }} as fiscal_period_key,
    b.company_id,
    b.fiscal_year,
    b.fiscal_period,
    b.period_start_date,
    b.period_end_date,
    b.in_fiscal_calendar,
    b.account_code,
    b.account_number,
    b.account_description,
    b.statement_line,
    b.statement_sort_order,
    b.balance_type,
    b.cost_center_code,
    b.profit_center_code,
    b.opening_balance,
    b.year_end_rollforward,
    b.debits,
    b.credits,
    b.net_change,
    b.opening_balance + b.net_change as closing_balance,
    b.transaction_count,
    c.functional_currency,
    'functional' as currency_basis
from balances as b
left join {{ ref('dim_company') }} as c on c.company_id = b.company_id
