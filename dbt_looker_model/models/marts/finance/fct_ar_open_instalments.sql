-- Open AR items per payment-schedule line as of each as-of date (FINANCE-MARTS: instalment terms are aged per
-- schedule line, each on its own due date). A document's open amount is spread over its schedule from the
-- last instalment backwards (receipts pay the earliest instalment first, as Sage applies them), so the
-- lines of a document sum to its open amount. Documents without a loaded schedule (single due date, or
-- entered before the loaded window) keep one line on the document's due date. currency_basis: source.
with schedules as (
    select
        s.company_id, i.customer_number, i.document_number, s.payment_number, s.due_date,
        cast(s.amount_due as decimal(19, 3)) as amount_due,
        coalesce(sum(cast(s.amount_due as decimal(19, 3))) over (
            partition by s.company_id, i.customer_number, i.document_number
            order by s.payment_number desc rows between unbounded preceding and 1 preceding), 0) as later_amount,
        count(*) over (partition by s.company_id, i.customer_number, i.document_number) as schedule_lines
    from {{ sage_source('ar_invoice_payment_schedules') }} as s
    inner join {{ ref('stg_sage300__ar_invoices') }} as i
        on i.company_id = s.company_id and i.batch_number = s.batch_number and i.entry_number = s.entry_number
    inner join {{ ref('stg_sage300__ar_invoice_batches') }} as b
        on b.company_id = i.company_id and b.batch_number = i.batch_number
    where b.is_posted
),
split as (
    select
        o.open_item_key, o.as_of_date, o.company_id, o.customer_number, o.document_number, o.currency_code,
        s.payment_number, s.due_date,
        case when s.later_amount >= o.open_amount then cast(0 as decimal(19, 3))
             when s.payment_number = 1 then o.open_amount - s.later_amount
             else least(s.amount_due, o.open_amount - s.later_amount) end as open_amount
    from {{ ref('fct_ar_open_items') }} as o
    inner join schedules as s
        on s.company_id = o.company_id and s.customer_number = o.customer_number
       and s.document_number = o.document_number and s.schedule_lines > 1
    where o.open_amount > 0
),
single as (
    select o.open_item_key, o.as_of_date, o.company_id, o.customer_number, o.document_number, o.currency_code,
           1 as payment_number, o.due_date, o.open_amount
    from {{ ref('fct_ar_open_items') }} as o
    where not exists (select 1 from split as x where x.open_item_key = o.open_item_key)
),
lines as (
    select * from split where open_amount <> 0
    union all
    select * from single
)
select
    {{ surrogate_key(['l.open_item_key', 'l.payment_number']) }} as instalment_key,
    l.*,
    l.as_of_date - l.due_date as days_past_due,
    {{ aging_bucket('l.as_of_date - l.due_date') }} as aging_bucket,
    'source' as currency_basis
from lines as l
