-- Everything that reduces a posted AP document, each with its own date (as-of logic filters on it):
--  * payment / adjustment applications of posted payment batches (amount + discount taken);
--  * a posted credit or debit note naming a document (ApplytoDocument) moves its amount onto that
--    document on the note's date and is itself closed — the vendor total is the same either way, but
--    the amount ages with the document it corrects.
with posted as (
    select * from {{ ref('int_ap_documents') }} where is_posted
),
payments as (
    select
        a.company_id,
        a.vendor_number,
        a.document_number,
        coalesce(p.payment_date, p.batch_date) as applied_date,
        a.payment_amount + a.discount_amount as applied_amount,
        a.payment_amount as cash_amount,
        p.vendor_amount as receipt_amount,
        'payment' as application_source,
        a.payment_type as application_type
    from {{ ref('stg_sage300__ap_payment_applications') }} as a
    inner join {{ ref('stg_sage300__ap_payments') }} as p
        on p.company_id = a.company_id and p.batch_selector = a.batch_selector
       and p.batch_number = a.batch_number and p.entry_number = a.entry_number
    inner join {{ ref('stg_sage300__ap_payment_batches') }} as b
        on b.company_id = a.company_id and b.batch_selector = a.batch_selector and b.batch_number = a.batch_number
    where b.is_posted
),
notes as (
    select n.*, t.document_number as target_document_number
    from posted as n
    inner join posted as t
        on t.company_id = n.company_id and t.vendor_number = n.vendor_number
       and t.document_number = n.apply_to_document_number and t.document_key <> n.document_key
    where lower(n.document_type) like '%credit%' or lower(n.document_type) like '%debit%'
)
select * from payments
union all
select company_id, vendor_number, target_document_number, document_date, -document_amount, cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)),
       'note', document_type
from notes
union all
select company_id, vendor_number, document_number, document_date, document_amount, cast(0 as decimal(19, 3)), cast(0 as decimal(19, 3)),
       'note_closed', document_type
from notes
