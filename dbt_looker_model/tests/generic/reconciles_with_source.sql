{#- Raw → staging: row counts and amount sums per group (company, partition date) are equal.
    `sums` maps a staging column to the raw column it comes from. Returns the groups that differ.
    (Groups are matched null-safely through a key union and LEFT JOINs: PostgreSQL cannot FULL JOIN on
    IS NOT DISTINCT FROM.) -#}
{% test reconciles_with_source(model, source_table, group_by, sums={}) %}
{%- set pairs = sums.items() | list -%}
{%- set cols = group_by | join(', ') -%}
with staged as (
    select {{ cols }}, count(*) as row_count
        {%- for s, r in pairs %}, sum({{ s }}) as sum_{{ loop.index }}{% endfor %}
    from {{ model }}
    group by {{ cols }}
),
raw as (
    select {{ cols }}, count(*) as row_count
        {%- for s, r in pairs %}, sum({{ r }}) as sum_{{ loop.index }}{% endfor %}
    from {{ sage_source(source_table) }} as src
    group by {{ cols }}
),
keys as (
    select {{ cols }} from staged union select {{ cols }} from raw
)
select
    {%- for g in group_by %} k.{{ g }},{% endfor %}
    staged.row_count as staged_rows, raw.row_count as raw_rows
    {%- for s, r in pairs %}, staged.sum_{{ loop.index }} as staged_{{ s }}, raw.sum_{{ loop.index }} as raw_{{ r }}{% endfor %}
from keys as k
left join staged
    on {% for g in group_by %}staged.{{ g }} is not distinct from k.{{ g }}{% if not loop.last %} and {% endif %}{% endfor %}
left join raw
    on {% for g in group_by %}raw.{{ g }} is not distinct from k.{{ g }}{% if not loop.last %} and {% endif %}{% endfor %}
where staged.row_count is distinct from raw.row_count
    {%- for s, r in pairs %} or staged.sum_{{ loop.index }} is distinct from raw.sum_{{ loop.index }}{% endfor %}
{% endtest %}
