{# The partition window the Dagster glue passes (vars min_date / max_date, inclusive DATE strings) as a
   predicate on `column`; `1 = 1` without a window (a full rebuild of the model's rows). #}
{% macro partition_window(column) -%}
    {%- set lo = var('min_date', none) -%}
    {%- set hi = var('max_date', none) -%}
    {%- if lo or hi -%}
        ({% if lo %}{{ column }} >= cast('{{ lo }}' as date){% endif %}{% if lo and hi %} and {% endif %}{% if hi %}{{ column }} <= cast('{{ hi }}' as date){% endif %})
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{# Pre-hook of a window-incremental model: delete the window's rows before the append re-inserts them,
   so rows deleted (or moved) in the source window disappear too — a unique_key merge would keep them. #}
{% macro delete_partition_window(column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ partition_window(column) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
