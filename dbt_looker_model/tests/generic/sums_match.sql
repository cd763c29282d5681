{#- Σ `column` of this model per `group_by` equals Σ `compare_column` of `compare_model` per the same
    groups (exactly: both are DECIMAL). A group present on one side only is a difference unless the other
    side's sum is zero. Null-safe group matching through a key union (portable to PostgreSQL). -#}
{% test sums_match(model, column, compare_model, compare_column, group_by, where_clause=none, compare_where=none) %}
{%- set cols = group_by | join(', ') -%}
with a as (
    select {{ cols }}, sum({{ column }}) as total
    from {{ model }}
    {% if where_clause %}where {{ where_clause }}{% endif %}
    group by {{ cols }}
),
b as (
    select {{ cols }}, sum({{ compare_column }}) as total
    from {{ compare_model }}
    {% if compare_where %}where {{ compare_where }}{% endif %}
    group by {{ cols }}
),
keys as (
    select {{ cols }} from a union select {{ cols }} from b
)
select {% for g in group_by %}k.{{ g }}, {% endfor %}a.total as model_total, b.total as compare_total
from keys as k
left join a on {% for g in group_by %}a.{{ g }} is not distinct from k.{{ g }}{% if not loop.last %} and {% endif %}{% endfor %}
left join b on {% for g in group_by %}b.{{ g }} is not distinct from k.{{ g }}{% if not loop.last %} and {% endif %}{% endfor %}
where coalesce(a.total, 0) <> coalesce(b.total, 0)
{% endtest %}
