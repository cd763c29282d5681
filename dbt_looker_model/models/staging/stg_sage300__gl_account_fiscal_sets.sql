-- GL fiscal sets (GLAFS): opening balance and net change of periods 1-15 per account, fiscal year, fiscal set
-- (Actuals, budgets, …) and currency. Period 14 is the adjustment period, 15 the closing period.
select
    company_id,
    account_number,
    fiscal_set_year as fiscal_year,
    fiscal_set_designator,
    currency_code,
    currency_type,
    cast(opening_balance as decimal(19, 3)) as opening_balance,
    {%- for n in range(1, 16) %}
    cast(net_period_{{ n }} as decimal(19, 3)) as net_period_{{ n }},
    {%- endfor %}
    _loaded_at
from {{ sage_source('gl_account_fiscal_sets') }}
