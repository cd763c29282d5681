-- Budget vs actual per company, account, fiscal year and regular period, in functional currency: budget = the
-- period's net change in Sage's budget fiscal set (GLAccountFiscalSets, designator var budget_fiscal_set,
-- default Budget1 — Sage's budget sets are 1..5), actual = the trial balance's net change (the Actuals set).
-- variance = actual − budget in GL sign; reported_* as income (revenue +, costs −) so favourable_variance > 0
-- means better than budget for revenue and cost lines alike. Accounts with a budget or an actual appear.
-- currency_basis: functional.
{%- set designator = var('budget_fiscal_set', 'Budget1') %}
with budget_sets as (
    select * from {{ ref('stg_sage300__gl_account_fiscal_sets') }}
    where lower(fiscal_set_designator) in (lower('{{ designator }}'), lower(replace('{{ designator }}', 'Budget', '')))
      and lower(coalesce(currency_type, 'functional')) like 'f%'
),
budget as (
    {%- for n in range(1, 14) %}
    select company_id, account_number as account_code, cast(fiscal_year as integer) as fiscal_year,
           {{ n }} as fiscal_period, net_period_{{ n }} as budget_amount
    from budget_sets
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),
actual as (
    select company_id, account_code, fiscal_year, fiscal_period, net_change as actual_amount
    from {{ ref('gl_trial_balance') }}
    where fiscal_period <= 13 and in_fiscal_calendar
),
joined as (
    select coalesce(a.company_id, b.company_id) as company_id, coalesce(a.account_code, b.account_code) as account_code,
           coalesce(a.fiscal_year, b.fiscal_year) as fiscal_year, coalesce(a.fiscal_period, b.fiscal_period) as fiscal_period,
           coalesce(a.actual_amount, 0) as actual_amount, coalesce(b.budget_amount, 0) as budget_amount,
           b.company_id is not null as has_budget
    from actual as a
    full outer join budget as b
        on b.company_id = a.company_id and b.account_code = a.account_code
       and b.fiscal_year = a.fiscal_year and b.fiscal_period = a.fiscal_period
)
select
    {{ surrogate_key(['j.company_id', 'j.account_code', 'j.fiscal_year', 'j.fiscal_period']) }} as budget_key,
    {{ surrogate_key(['j.company_id', 'j.account_code']) }} as account_key,
    {{ surrogate_key(['j.company_id', 'j.fiscal_year', 'j.fiscal_period']) }} as fiscal_period_key,
    j.company_id,
    j.account_code,
    d.account_number,
    d.account_description,
    d.statement_line,
    d.statement_sort_order,
    j.fiscal_year,
    j.fiscal_period,
    j.has_budget,
    j.budget_amount,
    j.actual_amount,
    j.actual_amount - j.budget_amount as variance,
    -j.budget_amount as reported_budget_amount,
    -j.actual_amount as reported_actual_amount,
    j.budget_amount - j.actual_amount as favourable_variance,
    c.functional_currency,
    'functional' as currency_basis
from joined as j
left join {{ ref('dim_gl_account') }} as d on d.company_id = j.company_id and d.account_code = j.account_code
left join {{ ref('dim_company') }} as c on c.company_id = j.company_id
where d.balance_type = 'income_statement' or j.has_budget
