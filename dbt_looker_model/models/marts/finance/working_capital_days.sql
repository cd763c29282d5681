-- DSO and DPO per company and regular fiscal period, from Sage's own balances (gl_trial_balance, the fiscal
-- sets), in functional currency:
--   ar_balance  = the AR control accounts' closing balance (GLAccounts.ControlAccountSubledgers = AR);
--   revenue     = the period's credit to the 'Revenue' statement line (seed gl_statement_lines), as income;
--   DSO         = ar_balance / revenue × days in the period (count-back over one period; null without revenue);
--                 the period holding the latest as-of date counts its days up to that date (a month five days
--                 old has five days of revenue), periods starting after it are left out;
--   ap_balance  = the AP control accounts' closing balance, as owed (credit → positive);
--   cogs        = the period's net change of the 'Cost of goods sold' line;
--   DPO         = ap_balance / cogs × days in the period (null without cost of sales).
-- Rounded to 0.1 day; exact decimal division (no float). currency_basis: functional.
with control_accounts as (
    select company_id, unformatted_account as account_code, upper(trim(subledger_code)) as ledger
    from {{ sage_source('gl_account_control_subledgers') }}
),
as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_as_of_dates') }}
),
tb as (
    select t.*, least(t.period_end_date, a.as_of_date) - t.period_start_date + 1 as days_counted
    from {{ ref('gl_trial_balance') }} as t
    cross join as_of as a
    where t.fiscal_period <= 13 and t.in_fiscal_calendar and t.period_start_date <= a.as_of_date
),
per_period as (
    select
        t.company_id, t.fiscal_year, t.fiscal_period, t.period_start_date, t.period_end_date,
        max(t.days_counted) as days_counted,
        max(t.functional_currency) as functional_currency,
        sum(case when c.ledger = 'AR' then t.closing_balance else 0 end) as ar_balance,
        -sum(case when c.ledger = 'AP' then t.closing_balance else 0 end) as ap_balance,
        -sum(case when t.statement_line = 'Revenue' then t.net_change else 0 end) as revenue,
        sum(case when t.statement_line = 'Cost of goods sold' then t.net_change else 0 end) as cogs
    from tb as t
    left join control_accounts as c on c.company_id = t.company_id and c.account_code = t.account_code
    group by t.company_id, t.fiscal_year, t.fiscal_period, t.period_start_date, t.period_end_date
)
select
    {{ surrogate_key(['company_id', 'fiscal_year', 'fiscal_period']) }} as working_capital_key,
    {{ surrogate_key(['company_id', 'fiscal_year', 'fiscal_period']) }} as fiscal_period_key,
    company_id,
    fiscal_year,
    fiscal_period,
    period_start_date,
    period_end_date,
    days_counted as days_in_period,
    ar_balance,
    revenue,
    case when revenue > 0 then {{ exact_divide('ar_balance * days_counted', 'revenue', 1) }}
         end as dso_days,
    ap_balance,
    cogs,
    case when cogs > 0 then {{ exact_divide('ap_balance * days_counted', 'cogs', 1) }}
         end as dpo_days,
    functional_currency,
    'functional' as currency_basis
from per_period
