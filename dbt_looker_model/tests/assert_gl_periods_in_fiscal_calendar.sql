{{ config(meta={'dagster': {'ref': {'name': 'fct_gl_posted_lines'}}}) }}
-- Posted GL periods neither in the fiscal calendar nor Sage's adjustment (14) or closing (15) period.
select distinct g.company_id, g.fiscal_year, g.fiscal_period
from {{ ref('fct_gl_posted_lines') }} as g
where g.fiscal_period not in (14, 15)
  and exists (select 1 from {{ ref('int_fiscal_periods') }} as c where c.company_id = g.company_id)
  and not exists (
    select 1 from {{ ref('int_fiscal_periods') }} as p
    where p.company_id = g.company_id and p.fiscal_year = g.fiscal_year and p.fiscal_period = g.fiscal_period)
