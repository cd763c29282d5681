{# Exact decimal division rounded half away from zero to `scale` decimals; NULL when the divisor is 0.
   DuckDB turns DECIMAL / DECIMAL into DOUBLE, so it divides scaled HUGEINTs instead; PostgreSQL's
   NUMERIC division is already exact. Money never passes through floating point. #}
{% macro exact_divide(num, den, scale=6) -%}
    {{ return(adapter.dispatch('exact_divide', 'sage_looker')(num, den, scale)) }}
{%- endmacro %}

{% macro default__exact_divide(num, den, scale) -%}
    (case when ({{ den }}) = 0 then null
          else round(cast({{ num }} as numeric) / cast({{ den }} as numeric), {{ scale }}) end)
{%- endmacro %}

{% macro duckdb__exact_divide(num, den, scale) -%}
    {#- Both operands are taken exactly as integers at 10 decimals (Sage stores at most 7, for rates), never
        at the result's scale: a divide-quoted rate such as 1.3420350 must not become 1.34 when the result is
        cents. Overflow bound: 10^16 money × 10^10 × 10^scale × 2 stays inside HUGEINT for scale ≤ 10. -#}
    {%- set unit = 10 ** scale -%}
    {%- set n = 'cast(cast(' ~ num ~ ' as decimal(38, 10)) * 10000000000 as hugeint)' -%}
    {%- set d = 'cast(cast(' ~ den ~ ' as decimal(38, 10)) * 10000000000 as hugeint)' -%}
    (case when ({{ den }}) = 0 then null else
        cast(
            sign({{ n }}) * sign({{ d }})
            * ((abs({{ n }}) * 2 * {{ unit }} + abs({{ d }})) // (2 * abs({{ d }})))
            as decimal(38, 0)) * cast(1.0 / {{ unit }} as decimal(38, {{ scale }}))
    end)
{%- endmacro %}

{# +1 for invoices, debit notes, interest; -1 for credit notes (Sage spells them CreditNote / Credit Note). #}
{% macro document_sign(document_type) -%}
    (case when lower(replace(coalesce({{ document_type }}, ''), ' ', '')) like '%credit%' then -1 else 1 end)
{%- endmacro %}

{# A batch is posted when its status says so (AP/AR BatchStatus, GL Status). #}
{% macro is_posted(status_col) -%}
    (lower(trim({{ status_col }})) = lower('{{ var("posted_status", "Posted") }}'))
{%- endmacro %}

{# Functional-currency value of a document-currency amount: × the document's exchange rate (Sage's
   multiply convention), rounded half-up to var functional_decimals as Sage stores functional amounts; the
   amount itself when the document is in the functional currency without a rate; NULL when neither is
   known (never a guessed 1.0). #}
{% macro to_functional(amount, rate, currency, functional_currency) -%}
    (case when {{ rate }} is not null and {{ rate }} <> 0
            then round({{ amount }} * {{ rate }}, {{ var('functional_decimals', 2) }})
          when {{ currency }} = {{ functional_currency }}
            then round({{ amount }} * cast(1 as decimal(19, 7)), {{ var('functional_decimals', 2) }})
          else null end)
{%- endmacro %}
