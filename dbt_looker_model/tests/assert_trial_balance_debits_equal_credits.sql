{{ config(meta={'dagster': {'ref': {'name': 'gl_trial_balance'}}}) }}
-- Σ debits = Σ credits for every company and fiscal period.
select company_id, fiscal_year, fiscal_period, sum(debits) as debits, sum(credits) as credits
from {{ ref('gl_trial_balance') }}
group by company_id, fiscal_year, fiscal_period
having sum(debits) <> sum(credits)
