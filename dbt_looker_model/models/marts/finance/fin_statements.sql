-- Income statement and balance sheet per company, fiscal year and period, by the statement lines of the seed
-- gl_statement_lines (account ranges → line, statement, sort order; the user edits the seed, not this SQL),
-- with the prior year's same period beside each figure. From gl_trial_balance (Sage's fiscal sets).
--   income_statement: period_amount = the period's net change; ytd_amount = Σ net change of periods 1..p,
--     the closing period 15 (the year-end close) left out so the year's income stays visible after the close.
--   balance_sheet: period_amount = ytd_amount = the closing balance after the period; the line
--     'Current year earnings' (Σ of the income-statement accounts' closing balances, zero once the year is
--     closed) makes the balance sheet sum to zero.
-- Signs: amount columns keep the GL's sign (debit +, credit −); reported_* present the income statement as
-- income (revenue +, costs −: the lines sum to net income) and leave the balance sheet in GL sign (assets +,
-- liabilities and equity −). currency_basis: functional.
with tb as (
    select company_id, fiscal_year, fiscal_period, period_label, period_end_date, functional_currency,
           coalesce(statement_line, 'Unmapped') as statement_line, coalesce(statement_sort_order, 999) as sort_order,
           balance_type, net_change, closing_balance
    from {{ ref('gl_trial_balance') }}
),
lines as (
    select company_id, fiscal_year, fiscal_period, max(period_label) as period_label,
           max(period_end_date) as period_end_date, max(functional_currency) as functional_currency,
           case when balance_type = 'income_statement' then 'income_statement' else 'balance_sheet' end as statement,
           statement_line, min(sort_order) as sort_order,
           sum(net_change) as net_change, sum(closing_balance) as closing_balance
    from tb
    group by company_id, fiscal_year, fiscal_period, balance_type, statement_line
),
earnings as (
    -- the income statement's accounts on the balance sheet until the year-end close moves them
    select company_id, fiscal_year, fiscal_period, max(period_label) as period_label,
           max(period_end_date) as period_end_date, max(functional_currency) as functional_currency,
           'balance_sheet' as statement, 'Current year earnings' as statement_line, 99 as sort_order,
           cast(0 as decimal(19, 3)) as net_change, sum(closing_balance) as closing_balance
    from tb
    where balance_type = 'income_statement'
    group by company_id, fiscal_year, fiscal_period
),
all_lines as (
    select * from lines
    union all
    select * from earnings
),
figures as (
    select l.*,
           case when l.statement = 'income_statement' then l.net_change else l.closing_balance end as period_amount,
           case when l.statement = 'income_statement'
                then sum(case when l.fiscal_period = 15 then 0 else l.net_change end) over (
                         partition by l.company_id, l.fiscal_year, l.statement, l.statement_line
                         order by l.fiscal_period rows between unbounded preceding and current row)
                else l.closing_balance end as ytd_amount
    from all_lines as l
)
select
    {{ surrogate_key(['f.company_id', 'f.fiscal_year', 'f.fiscal_period', 'f.statement', 'f.statement_line']) }}
        as statement_key,
    {{ surrogate_key(['f.company_id', 'f.fiscal_year', 'f.fiscal_period']) }} as fiscal_period_key,
    f.company_id,
    f.fiscal_year,
    f.fiscal_period,
    f.period_label,
    f.period_end_date,
    f.statement,
    f.statement_line,
    f.sort_order,
    f.period_amount,
    f.ytd_amount,
    p.period_amount as prior_year_period_amount,
    p.ytd_amount as prior_year_ytd_amount,
    case when f.statement = 'income_statement' then -f.period_amount else f.period_amount end as reported_period_amount,
    case when f.statement = 'income_statement' then -f.ytd_amount else f.ytd_amount end as reported_ytd_amount,
    case when f.statement = 'income_statement' then -p.ytd_amount else p.ytd_amount end as reported_prior_year_ytd_amount,
    f.functional_currency,
    'functional' as currency_basis
from figures as f
left join figures as p
    on p.company_id = f.company_id and p.fiscal_year = f.fiscal_year - 1 and p.fiscal_period = f.fiscal_period
   and p.statement = f.statement and p.statement_line = f.statement_line
