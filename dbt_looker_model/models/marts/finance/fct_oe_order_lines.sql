-- Order-entry lines with revenue, cost and margin (FINANCE-MARTS "Margin by product line").
-- revenue = the line's extended amount; cost = quantity shipped × unit cost; only lines that count as sold
-- (is_sold): item lines with a quantity shipped, and miscellaneous-charge lines of orders that shipped or
-- invoiced something; quotes never count. Miscellaneous charges (no item) get their own product line.
-- currency_basis: source (the order's currency) for revenue; Sage's OE unit cost is the item cost in the
-- company's functional currency, so for foreign-currency orders margin mixes bases: is_foreign_currency.
with lines as (
    select l.*,
           lower(coalesce(l.line_type, '')) like 'misc%' or l.item_number is null as is_misc_charge
    from {{ ref('stg_sage300__oe_order_lines') }} as l
),
orders as (
    select o.*,
           lower(coalesce(o.order_type, '')) like '%quote%' as is_quote,
           o.last_shipment_number is not null or o.last_invoice_number is not null
             or exists (select 1 from lines as x
                        where x.company_id = o.company_id and x.order_uniquifier = o.order_uniquifier
                          and not x.is_misc_charge and x.quantity_shipped > 0) as has_shipped
    from {{ ref('stg_sage300__oe_orders') }} as o
),
items as (
    select * from {{ ref('dim_item') }}
)
select
    {{ surrogate_key(['l.company_id', 'l.order_uniquifier', 'l.line_number']) }} as order_line_key,
    {{ surrogate_key(['l.company_id', 'o.customer_number']) }} as customer_key,
    coalesce(i.item_key, iu.item_key) as item_key,
    l.company_id,
    l.order_uniquifier,
    o.order_number,
    o.order_type,
    l.line_number,
    l.line_type,
    l.order_date,
    o.customer_number,
    l.item_number,
    l.miscellaneous_charges_code,
    l.line_description,
    case when l.is_misc_charge then 'misc_charge' else 'item' end as line_kind,
    case when l.is_misc_charge then 'Miscellaneous charges' else coalesce(i.product_family, iu.product_family, 'Unmapped') end as product_family,
    case when l.is_misc_charge then 'Miscellaneous charges' else coalesce(i.product_line, iu.product_line, 'Unmapped') end as product_line,
    coalesce(i.category, iu.category) as category,
    not coalesce(o.is_quote, false)
        and (case when l.is_misc_charge then coalesce(o.has_shipped, false) else l.quantity_shipped > 0 end) as is_sold,
    l.quantity_ordered,
    l.quantity_shipped,
    l.unit_price,
    l.unit_cost,
    l.extended_amount as revenue,
    coalesce(l.quantity_shipped * l.unit_cost, 0) as cost,
    l.extended_amount - coalesce(l.quantity_shipped * l.unit_cost, 0) as margin,
    o.currency_code,
    c.functional_currency,
    o.currency_code is not null and o.currency_code <> c.functional_currency as is_foreign_currency,
    'source' as currency_basis
from lines as l
left join orders as o
    on o.company_id = l.company_id and o.order_uniquifier = l.order_uniquifier
left join items as i
    on not l.is_misc_charge and i.company_id = l.company_id and i.item_number = l.item_number
left join items as iu
    on not l.is_misc_charge and i.item_key is null and iu.company_id = l.company_id
   and iu.unformatted_item_number = l.item_number and iu.item_number <> l.item_number
left join {{ ref('dim_company') }} as c on c.company_id = l.company_id
