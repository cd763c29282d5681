-- Every posted change to a posted AP document, each with its own date, as the amount it takes off the
-- document's balance (applied_amount; negative = adds to it); same rules as int_ar_applications:
--  * payments: each application line (payment + discount taken) off the document it names;
--  * adjustments (AD batches): each GL distribution's DistributionAmount is the signed change of the
--    document (Sage's sample: +1 adds to what is owed);
--  * a credit or debit note naming a document (ApplytoDocument) moves its amount onto that document.
-- Prepayment and miscellaneous-payment lines name no document and change none (a misc payment is cash to
-- an expense account; a prepayment is a posted document of its own).
with batches as (
    select company_id, batch_selector, batch_number
    from {{ ref('stg_sage300__ap_payment_batches') }}
    where is_posted
),
lines as (
    select
        a.company_id, a.vendor_number, a.document_number, a.batch_selector, a.batch_number, a.entry_number,
        a.line_number, a.payment_amount, a.discount_amount,
        coalesce(p.payment_date, p.batch_date) as applied_date,
        p.vendor_amount as receipt_amount,
        case when upper(a.batch_selector) = 'AD' then 'adjustment'
             else lower(replace(coalesce(p.payment_transaction_type, 'Payment'), ' ', '')) end as entry_kind,
        lower(replace(coalesce(a.payment_type, ''), ' ', '')) as line_kind
    from {{ ref('stg_sage300__ap_payment_applications') }} as a
    inner join {{ ref('stg_sage300__ap_payments') }} as p
        on p.company_id = a.company_id and p.batch_selector = a.batch_selector
       and p.batch_number = a.batch_number and p.entry_number = a.entry_number
    inner join batches as b
        on b.company_id = a.company_id and b.batch_selector = a.batch_selector and b.batch_number = a.batch_number
    where coalesce(a.document_number, '') <> ''
),
distributions as (
    select company_id, batch_selector, batch_number, entry_number, line_number,
           sum(distribution_amount) as distribution_amount
    from {{ ref('stg_sage300__ap_adjustment_distributions') }}
    group by company_id, batch_selector, batch_number, entry_number, line_number
),
notes as (
    select *
    from {{ ref('int_ap_documents') }}
    where is_posted and coalesce(apply_to_document_number, '') <> '' and apply_to_document_number <> document_number
      and (lower(document_type) like '%credit%' or lower(document_type) like '%debit%')
)
select company_id, vendor_number, document_number, applied_date, payment_amount + discount_amount as applied_amount,
       payment_amount as cash_amount, receipt_amount, 'payment' as application_source, entry_kind as application_type
from lines
where entry_kind = 'payment' and line_kind not in ('prepayment', 'miscellaneouspayment')
union all
select l.company_id, l.vendor_number, l.document_number, l.applied_date,
       -coalesce(d.distribution_amount, l.payment_amount),
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'adjustment', l.entry_kind
from lines as l
left join distributions as d
    on d.company_id = l.company_id and d.batch_selector = l.batch_selector and d.batch_number = l.batch_number
   and d.entry_number = l.entry_number and d.line_number = l.line_number
where l.entry_kind = 'adjustment'
union all
select company_id, vendor_number, apply_to_document_number, document_date, -document_amount,
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'note', document_type
from notes
