-- Open posted AR documents as of each as-of date D (FINANCE-MARTS "AR aging"), from the posted-document
-- ledger (full history, not the loaded window): every document type with its sign (credit notes, prepayments and
-- unapplied cash negative), minus the changes dated ≤ D (payments/receipts, Apply Document, adjustments,
-- notes). currency_basis: source; functional_open_amount from Sage's stored functional amounts (see
-- macros/open_items.sql). is_unapplied_cash rows reduce the balance but are listed on their own in the aging.
with items as (
    {{ posted_open_items('int_ar_posted_documents', 'int_ar_applications', 'customer_number') }}
)
select
    {{ surrogate_key(['i.as_of_date', 'i.document_key']) }} as open_item_key,
    i.as_of_date,
    i.document_key,
    i.customer_key,
    i.company_id,
    i.customer_number,
    i.batch_number,
    i.entry_number,
    i.document_number,
    i.document_type,
    i.document_sign,
    i.is_unapplied_cash,
    i.document_date,
    i.due_date,
    i.days_past_due,
    {{ aging_bucket('i.days_past_due') }} as aging_bucket,
    {{ aging_bucket_order('i.days_past_due') }} as aging_bucket_order,
    i.number_of_scheduled_payments,
    i.currency_code,
    i.exchange_rate,
    i.rate_operator,
    i.document_amount,
    i.applied_amount,
    i.open_amount,
    case when i.last_activity_date <= i.as_of_date then i.last_activity_date end as last_applied_date,
    i.document_sign = 1 and i.open_amount < 0 as is_overpaid,
    c.functional_currency,
    i.functional_open_amount,
    'source' as currency_basis
from items as i
left join {{ ref('dim_company') }} as c on c.company_id = i.company_id
