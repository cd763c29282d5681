select
    company_id,
    cast(nullif(trim(fiscal_year), '') as integer) as fiscal_year,
    active,
    cast(coalesce(nullif(trim(number_of_fiscal_periods), ''), '12') as integer) as number_of_periods,
    {%- for n in range(1, 14) %}
    fiscal_period_{{ n }}_start_date,
    fiscal_period_{{ n }}_end_date,
    {%- endfor %}
    _loaded_at
from {{ sage_source('cs_fiscal_calendars') }}
