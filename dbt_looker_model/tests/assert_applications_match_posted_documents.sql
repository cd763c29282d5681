{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_ap_open_items'}}}) }}
-- Posted payments / receipts applied to a document that is not a posted document of that vendor / customer.
select 'AP' as ledger, x.company_id, x.vendor_number as party, x.document_number, x.applied_amount
from {{ ref('int_ap_applications') }} as x
where not exists (
    select 1 from {{ ref('int_ap_documents') }} as d
    where d.is_posted and d.company_id = x.company_id and d.vendor_number = x.vendor_number
      and d.document_number = x.document_number)
union all
select 'AR', x.company_id, x.customer_number, x.document_number, x.applied_amount
from {{ ref('int_ar_applications') }} as x
where not exists (
    select 1 from {{ ref('int_ar_documents') }} as d
    where d.is_posted and d.company_id = x.company_id and d.customer_number = x.customer_number
      and d.document_number = x.document_number)
