{# Stable surrogate key: md5 of the parts joined with '|' (same text on DuckDB and PostgreSQL),
   so a vendor keeps its key across loads and two companies' vendor "1200" never collide. #}
{% macro surrogate_key(parts) -%}
    md5({% for p in parts %}coalesce(cast({{ p }} as varchar), '') {% if not loop.last %}|| '|' || {% endif %}{% endfor %})
{%- endmacro %}
