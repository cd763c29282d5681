{# Custom schemas are used as-is (`marts`, `staging`, `reference`), not prefixed with the target schema:
   Looker's sql_table_name and the Dagster asset keys name them directly. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
