{{ config(meta={'dagster': {'ref': {'name': 'gl_trial_balance'}}}) }}
-- With a retained-earnings account, the closing balances of all accounts sum to zero in every period
-- (debits = credits cumulatively, prior income rolled into retained earnings).
select tb.company_id, tb.fiscal_year, tb.fiscal_period, sum(tb.closing_balance) as total_closing
from {{ ref('gl_trial_balance') }} as tb
where exists (
    select 1 from {{ ref('dim_gl_account') }} as d
    where d.company_id = tb.company_id and lower(replace(d.account_type, ' ', '')) like 'retained%'
)
group by tb.company_id, tb.fiscal_year, tb.fiscal_period
having sum(tb.closing_balance) <> 0
