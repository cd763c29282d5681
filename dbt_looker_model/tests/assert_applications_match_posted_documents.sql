{{ config(meta={'dagster': {'ref': {'name': 'int_ar_applications'}}}) }}
-- Posted payments, receipts, adjustments and notes applied to a document that is not in the posted-document
-- ledger of that vendor / customer (the ledger holds the full history, so this is a real orphan).
select 'AP' as ledger, x.company_id, x.vendor_number as party, x.document_number, x.applied_date, x.applied_amount
from {{ ref('int_ap_applications') }} as x
where not exists (
    select 1 from {{ ref('int_ap_posted_documents') }} as d
    where d.company_id = x.company_id and d.vendor_number = x.vendor_number and d.document_number = x.document_number)
union all
select 'AR', x.company_id, x.customer_number, x.document_number, x.applied_date, x.applied_amount
from {{ ref('int_ar_applications') }} as x
where not exists (
    select 1 from {{ ref('int_ar_posted_documents') }} as d
    where d.company_id = x.company_id and d.customer_number = x.customer_number and d.document_number = x.document_number)
