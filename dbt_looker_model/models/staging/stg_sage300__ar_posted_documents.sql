-- AR posted-document ledger (AROBL), full history: every posted invoice, debit and credit note, prepayment
-- and unapplied-cash document. Amounts signed as Sage stores them (credit notes, prepayments and unapplied
-- cash negative); amount_due = still open today; functional amounts are Sage's own stored values.
select
    company_id,
    customer_number,
    document_number,
    document_type,
    lower(replace(coalesce(document_type, ''), ' ', '')) as document_kind,
    transaction_type,
    batch_number,
    entry_number,
    document_date,
    coalesce(due_date, document_date) as due_date,
    posting_date,
    fiscal_year,
    fiscal_period,
    currency_code,
    exchange_rate,
    coalesce(rate_operator, 1) as rate_operator,
    terms,
    coalesce(number_of_scheduled_payments, 1) as number_of_scheduled_payments,
    cast(customer_currency_invoice_amount as decimal(19, 3)) as document_amount,
    cast(customer_currency_amount_due as decimal(19, 3)) as amount_due,
    cast(functional_currency_invoice_amount as decimal(19, 3)) as functional_document_amount,
    cast(functional_currency_amount_due as decimal(19, 3)) as functional_amount_due,
    date_paid,
    last_activity_date,
    _loaded_at
from {{ sage_source('ar_posted_documents') }}
