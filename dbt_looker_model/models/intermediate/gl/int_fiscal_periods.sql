-- Fiscal periods from CSFiscalCalendars (one row per company, year, period with its dates), unpivoted from
-- FiscalPeriodNStartDate/EndDate. Periods beyond NumberOfFiscalPeriods or without dates are dropped.
with cal as (
    select * from {{ ref('stg_sage300__cs_fiscal_calendars') }}
),
periods as (
    {%- for n in range(1, 14) %}
    select company_id, fiscal_year, {{ n }} as fiscal_period, number_of_periods,
           fiscal_period_{{ n }}_start_date as period_start_date, fiscal_period_{{ n }}_end_date as period_end_date
    from cal
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)
select
    company_id,
    fiscal_year,
    fiscal_period,
    period_start_date,
    period_end_date,
    -- Sage: periods 1-13 are regular (13 when the calendar has 13); 14 = adjustment, 15 = closing (GL only)
    fiscal_period = 14 as is_adjustment_period
from periods
where period_start_date is not null
  and period_end_date is not null
  and fiscal_period <= number_of_periods
