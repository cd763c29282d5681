{# Functional value of a source amount at a document's rate, honouring Sage's RateOperator (1 = multiply,
   2 = divide), rounded to var functional_decimals as Sage stores functional amounts. #}
{% macro to_functional_op(amount, rate, operator) -%}
    (case when {{ rate }} is null or {{ rate }} = 0 then null
          when {{ operator }} = 2 then {{ exact_divide('(' ~ amount ~ ')', rate, var('functional_decimals', 2)) }}
          else round(({{ amount }}) * {{ rate }}, {{ var('functional_decimals', 2) }}) end)
{%- endmacro %}

{# Open posted documents as of each as-of date D, from the posted-document ledger (full history) and the
   posted changes of the loaded batches: open(D) = amount due today + Σ changes dated after D, for
   documents dated ≤ D. Exact for every D on or after the start of the loaded window (every change after
   such a D is in the window); the tie-out tests hold it to Sage's balances.
   Functional: Sage's stored amounts when nothing or everything after D is known (open = amount due → its
   functional amount due; open = document amount → its functional document amount); otherwise the stored
   amount due plus each later change converted at the document's rate (rate operator honoured); for a document
   settled in full after D (amount due 0: the last settlement took the functional remainder), the functional
   document amount minus each change up to D, those before the loaded window taken together (exact unless
   several of them, each rounded by Sage, fall before the window: then within a cent per change). #}
{% macro posted_open_items(documents, changes, party) -%}
with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
),
docs as (
    select * from {{ ref(documents) }}
),
later as (
    select a.as_of_date, c.company_id, c.{{ party }}, c.document_number,
           sum(case when c.applied_date > a.as_of_date then c.applied_amount else 0 end) as applied_after,
           sum(case when c.applied_date > a.as_of_date
                    then {{ to_functional_op('c.applied_amount', 'd.exchange_rate', 'd.rate_operator') }} else 0 end)
               as functional_applied_after,
           sum(case when c.applied_date <= a.as_of_date then c.applied_amount else 0 end) as applied_before,
           sum(case when c.applied_date <= a.as_of_date
                    then {{ to_functional_op('c.applied_amount', 'd.exchange_rate', 'd.rate_operator') }} else 0 end)
               as functional_applied_before
    from as_of as a
    inner join {{ ref(changes) }} as c on true
    inner join docs as d
        on d.company_id = c.company_id and d.{{ party }} = c.{{ party }} and d.document_number = c.document_number
    group by a.as_of_date, c.company_id, c.{{ party }}, c.document_number
),
items as (
    select
        a.as_of_date,
        d.*,
        d.amount_due + coalesce(l.applied_after, 0) as open_amount,
        coalesce(l.functional_applied_after, 0) as functional_applied_after,
        coalesce(l.applied_before, 0) as applied_before,
        coalesce(l.functional_applied_before, 0) as functional_applied_before
    from as_of as a
    inner join docs as d on d.document_date <= a.as_of_date
    left join later as l
        on l.as_of_date = a.as_of_date and l.company_id = d.company_id and l.{{ party }} = d.{{ party }}
       and l.document_number = d.document_number
)
select
    i.*,
    i.document_amount - i.open_amount as applied_amount,
    case when i.open_amount = 0 then cast(0 as decimal(19, 3))
         when i.open_amount = i.amount_due then i.functional_amount_due
         when i.open_amount = i.document_amount then i.functional_document_amount
         when i.amount_due <> 0 then i.functional_amount_due + i.functional_applied_after
         -- settled in full after D (the last settlement took the functional remainder): the functional document
         -- amount less each change up to D, the changes before the loaded window counted as one
         else i.functional_document_amount - i.functional_applied_before
              - {{ to_functional_op('i.document_amount - i.applied_before - i.open_amount', 'i.exchange_rate',
                                    'i.rate_operator') }} end as functional_open_amount,
    i.as_of_date - i.due_date as days_past_due
from items as i
where i.open_amount <> 0
{%- endmacro %}
