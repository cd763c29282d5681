{# `source('sage300', table)`, or an empty relation with the declared columns when the table does not
   exist yet (an optional resource Sage does not serve, e.g. CSCompanyProfile, or a table no load has
   written yet). Column types come from the generated source YAML, so the empty relation has the same
   shape and downstream SQL type-checks the same. #}
{% macro sage_source(table_name) -%}
    {%- set rel = source('sage300', table_name) -%}
    {%- if not execute -%}
        {{ return(rel) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=rel.database, schema=rel.schema, identifier=rel.identifier) -%}
    {%- if found is not none -%}
        {{ return(rel) }}
    {%- endif -%}
    {%- set node = graph.sources['source.sage_looker.sage300.' ~ table_name] -%}
    {%- set cols = [] -%}
    {%- for name, col in node.columns.items() -%}
        {%- do cols.append('cast(null as ' ~ col.data_type ~ ') as ' ~ adapter.quote(name)) -%}
    {%- endfor -%}
    {{ log("sage300." ~ table_name ~ " does not exist: reading it as empty", info=true) }}
    {{ return('(select ' ~ (cols | join(', ')) ~ ' where 1 = 0)') }}
{%- endmacro %}

{# A column Sage sends beyond the catalog (kept by the loader as an extra column) when the raw table has
   it, else a typed NULL: e.g. ApplytoDocument on AR invoices, which the catalog does not declare. #}
{% macro source_column_or_null(table_name, column, data_type='varchar') -%}
    {%- if execute -%}
        {%- set rel = source('sage300', table_name) -%}
        {%- set found = adapter.get_relation(database=rel.database, schema=rel.schema, identifier=rel.identifier) -%}
        {%- if found is not none -%}
            {%- set names = adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list -%}
            {%- if column | lower in names -%}
                {{ return(adapter.quote(column)) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('cast(null as ' ~ data_type ~ ')') }}
{%- endmacro %}
