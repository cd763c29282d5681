{# The as-of dates the open-item marts are computed for: var `as_of_dates` (list) or `as_of_date`,
   else the warehouse's current date. Validated here so a typo fails the run instead of a silent cast. #}
{% macro as_of_date_list() -%}
    {%- set many = var('as_of_dates', []) -%}
    {%- set one = var('as_of_date', none) -%}
    {%- if many is string -%}{%- set many = many.split(',') -%}{%- endif -%}
    {%- set dates = (many | list) if many else ([one] if one else []) -%}
    {%- for d in dates -%}
        {%- if not modules.re.fullmatch('\d{4}-\d{2}-\d{2}', (d | string) | trim) -%}
            {{ exceptions.raise_compiler_error("as_of_date(s) must be YYYY-MM-DD dates, got " ~ d) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dates | map('string') | map('trim') | list) }}
{%- endmacro %}

{% macro as_of_dates_sql() -%}
    {%- set dates = as_of_date_list() -%}
    {%- if dates -%}
        {%- for d in dates %}
    select cast('{{ d }}' as date) as as_of_date{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    {%- else %}
    select current_date as as_of_date
    {%- endif -%}
{%- endmacro %}

{# Monday of the ISO week containing `d`, as a DATE (both DuckDB and PostgreSQL accept date - integer). #}
{% macro week_start(d) -%}
    {{ return(adapter.dispatch('week_start', 'sage_looker')(d)) }}
{%- endmacro %}

{% macro default__week_start(d) -%}
    ({{ d }} - (cast(extract(isodow from {{ d }}) as integer) - 1))
{%- endmacro %}

{# DATE literal from a var, or NULL. #}
{% macro date_var(name) -%}
    {%- set v = var(name, none) -%}
    {%- if v -%}cast('{{ v }}' as date){%- else -%}cast(null as date){%- endif -%}
{%- endmacro %}

{# Aging bucket of a days-past-due value (FINANCE-MARTS defaults): current ≤ 0, 1–30, 31–60, 61–90, over 90. #}
{% macro aging_bucket(days) -%}
    (case when {{ days }} <= 0 then 'current'
          when {{ days }} <= 30 then '1-30'
          when {{ days }} <= 60 then '31-60'
          when {{ days }} <= 90 then '61-90'
          else 'over_90' end)
{%- endmacro %}

{% macro aging_bucket_order(days) -%}
    (case when {{ days }} <= 0 then 0 when {{ days }} <= 30 then 1 when {{ days }} <= 60 then 2
          when {{ days }} <= 90 then 3 else 4 end)
{%- endmacro %}

{# Bucket columns of an aging mart: sum(open) per bucket, named bucket_current, bucket_1_30, … #}
{% macro aging_bucket_columns(amount='open_amount', bucket='aging_bucket') -%}
    {%- for b, col in [('current', 'bucket_current'), ('1-30', 'bucket_1_30'), ('31-60', 'bucket_31_60'), ('61-90', 'bucket_61_90'), ('over_90', 'bucket_over_90')] %}
    sum(case when {{ bucket }} = '{{ b }}' then {{ amount }} else 0 end) as {{ col }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{# First day of the month of `d`, as a DATE, without date_trunc (PostgreSQL's returns a timestamp). #}
{% macro month_start(d) -%}
    ({{ d }} - (cast(extract(day from {{ d }}) as integer) - 1))
{%- endmacro %}
