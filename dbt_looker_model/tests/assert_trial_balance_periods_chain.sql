{{ config(meta={'dagster': {'ref': {'name': 'gl_trial_balance'}}}) }}
-- Opening of each period = closing of the account's previous period, across years too (balance-sheet and
-- retained-earnings accounts carry; the year-end close in period 15 has already moved income to retained
-- earnings); income-statement accounts open every fiscal year at zero.
with ordered as (
    select
        tb.*,
        lag(closing_balance) over (partition by company_id, account_code order by fiscal_year, fiscal_period) as previous_closing,
        lag(fiscal_year) over (partition by company_id, account_code order by fiscal_year, fiscal_period) as previous_year
    from {{ ref('gl_trial_balance') }} as tb
)
select company_id, account_code, fiscal_year, fiscal_period, balance_type, previous_closing, opening_balance
from ordered
where previous_closing is not null
  and case
        when balance_type = 'income_statement' and fiscal_year <> previous_year then opening_balance <> 0
        else opening_balance <> previous_closing
      end
