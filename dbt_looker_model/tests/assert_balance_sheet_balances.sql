{{ config(meta={'dagster': {'ref': {'name': 'fin_statements'}}}) }}
-- The balance sheet balances: its lines (with current-year earnings) sum to zero per company, year and period,
-- and the income statement's year-to-date total equals current-year earnings until the year-end close.
-- A row names the period and both figures.
select company_id, fiscal_year, fiscal_period,
       sum(case when statement = 'balance_sheet' then ytd_amount else 0 end) as balance_sheet_total,
       sum(case when statement = 'income_statement' then ytd_amount else 0 end) as income_ytd,
       sum(case when statement_line = 'Current year earnings' then ytd_amount else 0 end) as current_year_earnings
from {{ ref('fin_statements') }}
group by company_id, fiscal_year, fiscal_period
having sum(case when statement = 'balance_sheet' then ytd_amount else 0 end) <> 0
    or (max(fiscal_period) < 15
        and sum(case when statement = 'income_statement' then ytd_amount else 0 end)
            <> sum(case when statement_line = 'Current year earnings' then ytd_amount else 0 end))
