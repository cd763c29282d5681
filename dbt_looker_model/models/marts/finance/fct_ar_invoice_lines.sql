-- Invoiced sales (FINANCE-MARTS "Margin by product line"): the lines of posted AR invoices, debit notes (+) and
-- credit notes (−), dated by the document date. revenue = ExtendedAmountWithoutTIP (net of tax) in functional
-- currency (Sage's document rate, its rate operator from the posted ledger); cost = COGSAmount, which Sage
-- books in functional currency. Lines without an item (miscellaneous charges, services) are their own line.
-- Ordered-but-not-invoiced lines are not here (fct_oe_order_lines has the order book). currency_basis: functional.
with lines as (
    select
        l.company_id, l.batch_number, l.entry_number, l.line_number,
        nullif(trim(l.item_number), '') as item_number, l.description, l.distribution_code, l.revenue_account,
        cast(l.quantity as decimal(19, 4)) as quantity,
        cast(l.extended_amount_without_tip as decimal(19, 3)) as extended_amount,
        cast(coalesce(l.cogs_amount, 0) as decimal(19, 3)) as cogs_amount,
        i.customer_number, i.document_number, i.document_type, i.document_sign, i.document_date, i.currency_code,
        i.exchange_rate
    from {{ sage_source('ar_invoice_lines') }} as l
    inner join {{ ref('stg_sage300__ar_invoices') }} as i
        on i.company_id = l.company_id and i.batch_number = l.batch_number and i.entry_number = l.entry_number
    inner join {{ ref('stg_sage300__ar_invoice_batches') }} as b
        on b.company_id = l.company_id and b.batch_number = l.batch_number
    where b.is_posted
),
items as (
    select * from {{ ref('dim_item') }}
)
select
    {{ surrogate_key(['l.company_id', 'l.batch_number', 'l.entry_number', 'l.line_number']) }} as invoice_line_key,
    {{ surrogate_key(['l.company_id', 'l.customer_number']) }} as customer_key,
    coalesce(i.item_key, iu.item_key) as item_key,
    l.company_id,
    l.batch_number,
    l.entry_number,
    l.line_number,
    l.customer_number,
    l.document_number,
    l.document_type,
    l.document_date as invoice_date,
    l.item_number,
    l.description,
    case when l.item_number is null then 'misc_charge' else 'item' end as line_kind,
    case when l.item_number is null then 'Miscellaneous charges'
         else coalesce(i.product_family, iu.product_family, 'Unmapped') end as product_family,
    case when l.item_number is null then 'Miscellaneous charges'
         else coalesce(i.product_line, iu.product_line, 'Unmapped') end as product_line,
    coalesce(i.category, iu.category) as category,
    l.document_sign * l.quantity as quantity,
    l.currency_code,
    l.document_sign * l.extended_amount as source_revenue,
    l.document_sign * coalesce(
        {{ to_functional_op('l.extended_amount', 'coalesce(p.exchange_rate, l.exchange_rate)', 'coalesce(p.rate_operator, 1)') }},
        l.extended_amount) as revenue,
    l.document_sign * l.cogs_amount as cost,
    c.functional_currency,
    'functional' as currency_basis
from lines as l
left join {{ ref('int_ar_posted_documents') }} as p
    on p.company_id = l.company_id and p.customer_number = l.customer_number and p.document_number = l.document_number
left join items as i
    on l.item_number is not null and i.company_id = l.company_id and i.item_number = l.item_number
left join items as iu
    on l.item_number is not null and i.item_key is null and iu.company_id = l.company_id
   and iu.unformatted_item_number = l.item_number and iu.item_number <> l.item_number
left join {{ ref('dim_company') }} as c on c.company_id = l.company_id
