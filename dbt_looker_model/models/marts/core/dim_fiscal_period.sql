-- Fiscal periods per company from the fiscal calendar.
select
    {{ surrogate_key(['company_id', 'fiscal_year', 'fiscal_period']) }} as fiscal_period_key,
    company_id,
    fiscal_year,
    fiscal_period,
    period_start_date,
    period_end_date,
    is_adjustment_period,
    cast(fiscal_year as varchar) || '-' || lpad(cast(fiscal_period as varchar), 2, '0') as fiscal_period_label
from {{ ref('int_fiscal_periods') }}
