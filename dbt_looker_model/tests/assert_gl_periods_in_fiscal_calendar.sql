{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'gl_trial_balance'}}}) }}
-- Posted GL periods the fiscal calendar does not define (the trial balance keeps them, without dates).
select distinct company_id, fiscal_year, fiscal_period
from {{ ref('gl_trial_balance') }}
where not in_fiscal_calendar and transaction_count > 0
