{{ config(meta={'dagster': {'ref': {'name': 'gl_trial_balance'}}}) }}
-- For every period the loaded GL fully covers, the net change of the posted GL transactions equals the
-- fiscal set's net change for the account and period (Sage's own balance). A row names the account, the
-- period and both amounts.
select company_id, account_code, fiscal_year, fiscal_period, period_label, net_change as fiscal_set_net_change,
       gl_net_change, gl_net_change - net_change as difference
from {{ ref('gl_trial_balance') }}
where gl_complete and gl_net_change <> net_change
