-- AP documents (posted or in entry) with their signed amount in the document currency.
select
    {{ surrogate_key(['d.company_id', 'd.batch_number', 'd.entry_number']) }} as document_key,
    {{ surrogate_key(['d.company_id', 'd.vendor_number']) }} as vendor_key,
    d.company_id,
    d.batch_date,
    d.batch_number,
    d.entry_number,
    d.vendor_number,
    d.document_number,
    d.document_type,
    d.document_sign,
    d.apply_to_document_number,
    d.currency_code,
    d.exchange_rate,
    d.document_date,
    d.posting_date,
    coalesce(d.due_date, d.document_date) as due_date,
    d.document_sign * d.amount_including_tax as document_amount,
    b.batch_status,
    coalesce(b.is_posted, false) as is_posted
from {{ ref('stg_sage300__ap_invoices') }} as d
left join {{ ref('stg_sage300__ap_invoice_batches') }} as b
    on b.company_id = d.company_id and b.batch_number = d.batch_number
