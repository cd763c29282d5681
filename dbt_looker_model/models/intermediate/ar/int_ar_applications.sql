-- Every posted change to a posted AR document, each with its own date, as the amount it takes off the
-- document's balance (applied_amount; negative = adds to it). With the posted-document ledger (amount due
-- today), open as of D = amount due + Σ applied_amount dated after D. Sources, from posted batches only:
--  * receipts: each application line (cash + discount taken) off the document it names;
--  * Apply Document: the line's amount off the invoice, and the same amount back onto the prepayment /
--    unapplied-cash document the entry uses (its DocumentNumber) — no cash moves;
--  * adjustments (AD batches): each GL distribution's DistributionAmount is the signed change of the
--    document (Sage's sample: -1 reduces what the customer owes);
--  * a credit or debit note naming a document (ApplytoDocument) moves its amount onto that document on the
--    note's date (the note's own amount due is then zero).
-- Prepayment and miscellaneous-receipt lines name no document: they change no existing document (a
-- prepayment is a posted document of its own).
with batches as (
    select company_id, batch_record_type, batch_number
    from {{ ref('stg_sage300__ar_receipt_batches') }}
    where is_posted
),
lines as (
    select
        a.company_id, a.customer_number, a.document_number, a.batch_record_type, a.batch_number, a.entry_number,
        a.line_number, a.applied_amount, a.discount_taken,
        coalesce(r.receipt_date, r.batch_date) as applied_date,
        r.document_number as entry_document_number,
        r.customer_amount as receipt_amount,
        case when upper(r.batch_record_type) = 'AD' then 'adjustment'
             else lower(replace(coalesce(r.receipt_transaction_type, 'Receipt'), ' ', '')) end as entry_kind
    from {{ ref('stg_sage300__ar_receipt_applications') }} as a
    inner join {{ ref('stg_sage300__ar_receipts') }} as r
        on r.company_id = a.company_id and r.batch_record_type = a.batch_record_type
       and r.batch_number = a.batch_number and r.entry_number = a.entry_number
    inner join batches as b
        on b.company_id = a.company_id and b.batch_record_type = a.batch_record_type and b.batch_number = a.batch_number
    where coalesce(a.document_number, '') <> ''
),
distributions as (
    select company_id, batch_record_type, batch_number, entry_number, line_number,
           sum(distribution_amount) as distribution_amount
    from {{ ref('stg_sage300__ar_adjustment_distributions') }}
    group by company_id, batch_record_type, batch_number, entry_number, line_number
),
notes as (
    select *
    from {{ ref('int_ar_documents') }}
    where is_posted and coalesce(apply_to_document_number, '') <> '' and apply_to_document_number <> document_number
      and (lower(document_type) like '%credit%' or lower(document_type) like '%debit%')
)
select company_id, customer_number, document_number, applied_date, applied_amount + discount_taken as applied_amount,
       applied_amount as cash_amount, receipt_amount, 'receipt' as application_source, entry_kind as application_type
from lines
where entry_kind = 'receipt'
union all
select company_id, customer_number, document_number, applied_date, applied_amount + discount_taken,
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'apply_document', entry_kind
from lines
where entry_kind = 'applydocument'
union all
select l.company_id, l.customer_number, l.entry_document_number, l.applied_date, -(l.applied_amount + l.discount_taken),
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'apply_document_source', l.entry_kind
from lines as l
where l.entry_kind = 'applydocument' and coalesce(l.entry_document_number, '') <> ''
  -- the document being applied may instead appear as a line of its own (a negative amount): counted there
  and not exists (
    select 1 from lines as o
    where o.company_id = l.company_id and o.batch_record_type = l.batch_record_type and o.batch_number = l.batch_number
      and o.entry_number = l.entry_number and o.document_number = l.entry_document_number)
union all
select l.company_id, l.customer_number, l.document_number, l.applied_date,
       -coalesce(d.distribution_amount, l.applied_amount),
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'adjustment', l.entry_kind
from lines as l
left join distributions as d
    on d.company_id = l.company_id and d.batch_record_type = l.batch_record_type and d.batch_number = l.batch_number
   and d.entry_number = l.entry_number and d.line_number = l.line_number
where l.entry_kind = 'adjustment'
union all
select company_id, customer_number, apply_to_document_number, document_date, -document_amount,
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'note', document_type
from notes
