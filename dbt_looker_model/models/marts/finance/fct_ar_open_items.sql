-- Open AR documents as of each as-of date D (FINANCE-MARTS "AR aging"): posted invoices, debit notes (+)
-- and credit notes (−) with document date ≤ D, minus applications dated ≤ D; only documents still open.
-- currency_basis: source (customer/document currency). functional_open_amount converts the document and each
-- application at the document's rate, each rounded half-up to var functional_decimals, as Sage stores them.
with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
),
docs as (
    select a.as_of_date, d.*
    from as_of as a
    inner join {{ ref('int_ar_documents') }} as d
        on d.is_posted and d.document_date <= a.as_of_date
),
rates as (
    select company_id, customer_number, document_number, max(exchange_rate) as exchange_rate,
           max(currency_code) as currency_code
    from {{ ref('int_ar_documents') }}
    where is_posted
    group by company_id, customer_number, document_number
),
applied as (
    select a.as_of_date, x.company_id, x.customer_number, x.document_number,
           sum(x.applied_amount) as applied_amount,
           sum({{ to_functional('x.applied_amount', 'r.exchange_rate', 'r.currency_code', 'co.functional_currency') }})
               as functional_applied_amount,
           max(x.applied_date) as last_applied_date
    from as_of as a
    inner join {{ ref('int_ar_applications') }} as x
        on x.applied_date <= a.as_of_date
    left join rates as r
        on r.company_id = x.company_id and r.customer_number = x.customer_number and r.document_number = x.document_number
    left join {{ ref('dim_company') }} as co on co.company_id = x.company_id
    group by a.as_of_date, x.company_id, x.customer_number, x.document_number
),
items as (
    select
        d.*,
        coalesce(x.applied_amount, 0) as applied_amount,
        d.document_amount - coalesce(x.applied_amount, 0) as open_amount,
        coalesce(x.functional_applied_amount, 0) as functional_applied_amount,
        x.last_applied_date,
        d.as_of_date - d.due_date as days_past_due
    from docs as d
    left join applied as x
        on x.as_of_date = d.as_of_date and x.company_id = d.company_id
       and x.customer_number = d.customer_number and x.document_number = d.document_number
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
    i.document_date,
    i.due_date,
    i.days_past_due,
    {{ aging_bucket('i.days_past_due') }} as aging_bucket,
    {{ aging_bucket_order('i.days_past_due') }} as aging_bucket_order,
    i.currency_code,
    i.exchange_rate,
    i.document_amount,
    i.applied_amount,
    i.open_amount,
    i.last_applied_date,
    i.document_sign = 1 and i.open_amount < 0 as is_overpaid,
    c.functional_currency,
    {{ to_functional('i.document_amount', 'i.exchange_rate', 'i.currency_code', 'c.functional_currency') }}
        - i.functional_applied_amount as functional_open_amount,
    'source' as currency_basis
from items as i
left join {{ ref('dim_company') }} as c on c.company_id = i.company_id
where i.open_amount <> 0
