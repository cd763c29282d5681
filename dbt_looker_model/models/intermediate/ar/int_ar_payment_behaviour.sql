-- Per as-of date and customer, over receipts applied in the 90 days up to D: average days to pay
-- (receipt date − invoice date) and average days late (receipt date − due date), weighted by the cash applied.
with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
),
paid as (
    select a.as_of_date, x.company_id, x.customer_number,
           x.applied_date - d.document_date as days_to_pay,
           x.applied_date - d.due_date as days_late,
           x.cash_amount
    from as_of as a
    inner join {{ ref('int_ar_applications') }} as x
        on x.applied_date <= a.as_of_date and x.applied_date > a.as_of_date - 90
    inner join {{ ref('int_ar_documents') }} as d
        on d.is_posted and d.document_sign = 1 and d.company_id = x.company_id
       and d.customer_number = x.customer_number and d.document_number = x.document_number
    where x.application_source = 'receipt' and x.receipt_amount > 0 and x.cash_amount > 0
)
select
    as_of_date,
    company_id,
    customer_number,
    sum(cash_amount) as cash_applied_90d,
    {{ exact_divide('sum(days_to_pay * cash_amount)', 'sum(cash_amount)', 1) }} as avg_days_to_pay_90d,
    {{ exact_divide('sum(days_late * cash_amount)', 'sum(cash_amount)', 1) }} as avg_days_late_90d
from paid
group by as_of_date, company_id, customer_number
