-- AR aging and collections status per as-of date, company, customer and currency (FINANCE-MARTS "AR aging").
-- currency_basis: source (the documents' currency); functional_open_amount converts each document at its rate.
-- Invariant (tested): Σ buckets = open_amount = Σ fct_ar_open_items.open_amount.
-- unapplied_receipts (posted unapplied-cash and prepayment documents still open) reduce the customer's
-- balance (balance_after_unapplied = what Sage shows as the customer's balance) but stay on their own line;
-- buckets age each payment-schedule line on its own due date; in_entry_amount = documents of unposted batches.
-- functional_balance = the customer's whole balance in functional currency (tie-out with Sage's
-- BalanceDueInFunctionalCurrency and the AR control accounts).
with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
),
open_items as (
    select
        as_of_date, company_id, customer_number, currency_code,
        sum(case when not is_unapplied_cash then open_amount else 0 end) as open_amount,
        sum(case when days_past_due > 0 and not is_unapplied_cash then open_amount else 0 end) as overdue_amount,
        sum(case when not is_unapplied_cash then functional_open_amount else 0 end) as functional_open_amount,
        -sum(case when is_unapplied_cash then open_amount else 0 end) as unapplied_receipts,
        sum(functional_open_amount) as functional_balance,
        sum(case when not is_unapplied_cash then 1 else 0 end) as open_document_count
    from {{ ref('fct_ar_open_items') }}
    group by as_of_date, company_id, customer_number, currency_code
),
-- Buckets per payment-schedule line (instalments aged on their own due dates); unapplied cash and
-- prepayments stay out of the buckets, on their own line.
buckets as (
    select l.as_of_date, l.company_id, l.customer_number, l.currency_code,
           {{ aging_bucket_columns('l.open_amount', 'l.aging_bucket') }}
    from {{ ref('fct_ar_open_instalments') }} as l
    inner join {{ ref('fct_ar_open_items') }} as o on o.open_item_key = l.open_item_key
    where not o.is_unapplied_cash
    group by l.as_of_date, l.company_id, l.customer_number, l.currency_code
),
in_entry as (
    select a.as_of_date, d.company_id, d.customer_number, d.currency_code,
           sum(d.document_amount) as in_entry_amount, count(*) as in_entry_document_count
    from as_of as a
    inner join {{ ref('int_ar_documents') }} as d
        on not d.is_posted and d.document_date <= a.as_of_date
    group by a.as_of_date, d.company_id, d.customer_number, d.currency_code
),
keys as (
    select as_of_date, company_id, customer_number, currency_code from open_items
    union select as_of_date, company_id, customer_number, currency_code from in_entry
),
joined as (
    select
        k.*,
        coalesce(o.open_amount, 0) as open_amount,
        coalesce(bk.bucket_current, 0) as bucket_current,
        coalesce(bk.bucket_1_30, 0) as bucket_1_30,
        coalesce(bk.bucket_31_60, 0) as bucket_31_60,
        coalesce(bk.bucket_61_90, 0) as bucket_61_90,
        coalesce(bk.bucket_over_90, 0) as bucket_over_90,
        coalesce(o.overdue_amount, 0) as overdue_amount,
        coalesce(o.open_document_count, 0) as open_document_count,
        coalesce(o.unapplied_receipts, 0) as unapplied_receipts,
        coalesce(o.functional_balance, 0) as functional_balance,
        coalesce(e.in_entry_amount, 0) as in_entry_amount,
        coalesce(e.in_entry_document_count, 0) as in_entry_document_count,
        o.functional_open_amount
    from keys as k
    left join open_items as o
        on o.as_of_date = k.as_of_date and o.company_id = k.company_id
       and o.customer_number = k.customer_number and o.currency_code is not distinct from k.currency_code
    left join in_entry as e
        on e.as_of_date = k.as_of_date and e.company_id = k.company_id
       and e.customer_number = k.customer_number and e.currency_code is not distinct from k.currency_code
    left join buckets as bk
        on bk.as_of_date = k.as_of_date and bk.company_id = k.company_id
       and bk.customer_number = k.customer_number and bk.currency_code is not distinct from k.currency_code
)
select
    {{ surrogate_key(['j.as_of_date', 'j.company_id', 'j.customer_number', 'j.currency_code']) }} as ar_aging_key,
    j.as_of_date,
    {{ surrogate_key(['j.company_id', 'j.customer_number']) }} as customer_key,
    j.company_id,
    j.customer_number,
    j.currency_code,
    j.open_amount,
    j.bucket_current,
    j.bucket_1_30,
    j.bucket_31_60,
    j.bucket_61_90,
    j.bucket_over_90,
    j.overdue_amount,
    j.open_document_count,
    j.unapplied_receipts,
    j.open_amount - j.unapplied_receipts as balance_after_unapplied,
    j.in_entry_amount,
    j.in_entry_document_count,
    cu.credit_limit,
    coalesce(cu.credit_limit, 0) > 0 and j.currency_code = cu.currency_code
        and j.open_amount - j.unapplied_receipts > cu.credit_limit as is_over_credit_limit,
    pb.avg_days_to_pay_90d,
    pb.avg_days_late_90d,
    j.functional_open_amount,
    j.functional_balance,
    c.functional_currency,
    'source' as currency_basis
from joined as j
left join {{ ref('dim_customer') }} as cu
    on cu.company_id = j.company_id and cu.customer_number = j.customer_number
left join {{ ref('int_ar_payment_behaviour') }} as pb
    on pb.as_of_date = j.as_of_date and pb.company_id = j.company_id and pb.customer_number = j.customer_number
left join {{ ref('dim_company') }} as c on c.company_id = j.company_id
