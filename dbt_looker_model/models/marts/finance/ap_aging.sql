-- AP aging per as-of date, company, vendor and currency (FINANCE-MARTS "AP aging").
-- currency_basis: source (the documents' currency); functional_open_amount converts each document at its rate.
-- Invariant (tested): bucket_current + … + bucket_over_90 = open_amount = Σ fct_ap_open_items.open_amount.
-- in_entry_amount (documents of unposted batches, document date ≤ D) and unapplied_payments (posted
-- prepayment documents still open) are shown beside the aging, never inside the buckets.
-- functional_balance = the vendor's whole balance in functional currency (tie-out with Sage's balances).
with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
),
open_items as (
    select
        as_of_date, company_id, vendor_number, currency_code,
        sum(case when not is_unapplied_cash then open_amount else 0 end) as open_amount,
        {{ aging_bucket_columns("case when not is_unapplied_cash then open_amount else 0 end") }},
        sum(case when days_past_due > 0 and not is_unapplied_cash then open_amount else 0 end) as overdue_amount,
        sum(case when not is_unapplied_cash then functional_open_amount else 0 end) as functional_open_amount,
        -sum(case when is_unapplied_cash then open_amount else 0 end) as unapplied_payments,
        sum(functional_open_amount) as functional_balance,
        sum(case when not is_unapplied_cash then 1 else 0 end) as open_document_count
    from {{ ref('fct_ap_open_items') }}
    group by as_of_date, company_id, vendor_number, currency_code
),
in_entry as (
    select a.as_of_date, d.company_id, d.vendor_number, d.currency_code,
           sum(d.document_amount) as in_entry_amount, count(*) as in_entry_document_count
    from as_of as a
    inner join {{ ref('int_ap_documents') }} as d
        on not d.is_posted and d.document_date <= a.as_of_date
    group by a.as_of_date, d.company_id, d.vendor_number, d.currency_code
),
keys as (
    select as_of_date, company_id, vendor_number, currency_code from open_items
    union select as_of_date, company_id, vendor_number, currency_code from in_entry
)
select
    {{ surrogate_key(['k.as_of_date', 'k.company_id', 'k.vendor_number', 'k.currency_code']) }} as ap_aging_key,
    k.as_of_date,
    {{ surrogate_key(['k.company_id', 'k.vendor_number']) }} as vendor_key,
    k.company_id,
    k.vendor_number,
    k.currency_code,
    coalesce(o.open_amount, 0) as open_amount,
    coalesce(o.bucket_current, 0) as bucket_current,
    coalesce(o.bucket_1_30, 0) as bucket_1_30,
    coalesce(o.bucket_31_60, 0) as bucket_31_60,
    coalesce(o.bucket_61_90, 0) as bucket_61_90,
    coalesce(o.bucket_over_90, 0) as bucket_over_90,
    coalesce(o.overdue_amount, 0) as overdue_amount,
    coalesce(o.open_document_count, 0) as open_document_count,
    coalesce(o.unapplied_payments, 0) as unapplied_payments,
    coalesce(o.open_amount, 0) - coalesce(o.unapplied_payments, 0) as balance_after_unapplied,
    coalesce(e.in_entry_amount, 0) as in_entry_amount,
    coalesce(e.in_entry_document_count, 0) as in_entry_document_count,
    o.functional_open_amount,
    coalesce(o.functional_balance, 0) as functional_balance,
    c.functional_currency,
    'source' as currency_basis
from keys as k
left join open_items as o
    on o.as_of_date = k.as_of_date and o.company_id = k.company_id
   and o.vendor_number = k.vendor_number and o.currency_code is not distinct from k.currency_code
left join in_entry as e
    on e.as_of_date = k.as_of_date and e.company_id = k.company_id
   and e.vendor_number = k.vendor_number and e.currency_code is not distinct from k.currency_code
left join {{ ref('dim_company') }} as c on c.company_id = k.company_id
