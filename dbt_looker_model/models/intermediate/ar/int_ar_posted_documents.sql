-- Posted AR documents (the AROBL ledger) with their sign: +1 invoices, debit notes, interest; -1 credit notes,
-- prepayments, unapplied cash (is_unapplied_cash: cash received not yet applied to a document).
select
    {{ surrogate_key(['company_id', 'customer_number', 'document_number']) }} as document_key,
    {{ surrogate_key(['company_id', 'customer_number']) }} as customer_key,
    *,
    case when document_kind like '%credit%' or document_kind in ('prepayment', 'unappliedcash', 'receipt')
         then -1 else 1 end as document_sign,
    document_kind in ('prepayment', 'unappliedcash', 'receipt') as is_unapplied_cash
from {{ ref('stg_sage300__ar_posted_documents') }}
