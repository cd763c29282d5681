-- Everything that reduces a posted AR document, each with its own date:
--  * receipt, adjustment and apply-document applications of posted receipt batches (amount + discount);
--  * a posted credit or debit note naming a document (ApplytoDocument, an extra field the catalog does not
--    declare for AR: used when the load kept it) moves its amount onto that document and is itself closed.
with posted as (
    select * from {{ ref('int_ar_documents') }} where is_posted
),
receipts as (
    select
        a.company_id,
        a.customer_number,
        a.document_number,
        coalesce(r.receipt_date, r.batch_date) as applied_date,
        a.applied_amount + a.discount_taken as applied_amount,
        a.applied_amount as cash_amount,
        r.customer_amount as receipt_amount,
        'receipt' as application_source,
        coalesce(a.transaction_type, r.receipt_transaction_type) as application_type
    from {{ ref('stg_sage300__ar_receipt_applications') }} as a
    inner join {{ ref('stg_sage300__ar_receipts') }} as r
        on r.company_id = a.company_id and r.batch_record_type = a.batch_record_type
       and r.batch_number = a.batch_number and r.entry_number = a.entry_number
    inner join {{ ref('stg_sage300__ar_receipt_batches') }} as b
        on b.company_id = a.company_id and b.batch_record_type = a.batch_record_type and b.batch_number = a.batch_number
    where b.is_posted
),
notes as (
    select n.*, t.document_number as target_document_number
    from posted as n
    inner join posted as t
        on t.company_id = n.company_id and t.customer_number = n.customer_number
       and t.document_number = n.apply_to_document_number and t.document_key <> n.document_key
    where lower(n.document_type) like '%credit%' or lower(n.document_type) like '%debit%'
)
select * from receipts
union all
select company_id, customer_number, target_document_number, document_date, -document_amount,
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'note', document_type
from notes
union all
select company_id, customer_number, document_number, document_date, document_amount,
       cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)), 'note_closed', document_type
from notes
