-- Margin per company, order month, currency and product line (sold OE lines only, see fct_oe_order_lines).
-- margin_pct = margin / revenue (NULL when revenue is 0). currency_basis: source (order currency);
-- never add rows of different currencies.
select
    {{ surrogate_key(['company_id', 'order_month', 'currency_code', 'product_family', 'product_line', 'line_kind']) }} as margin_key,
    *,
    revenue - cost as margin,
    {{ exact_divide('revenue - cost', 'revenue', 6) }} as margin_pct,
    'source' as currency_basis
from (
    select
        company_id,
        {{ month_start('order_date') }} as order_month,
        currency_code,
        product_family,
        product_line,
        line_kind,
        sum(revenue) as revenue,
        sum(cost) as cost,
        sum(quantity_shipped) as quantity_shipped,
        count(*) as line_count,
        count(distinct order_uniquifier) as order_count,
        max(case when is_foreign_currency then 1 else 0 end) = 1 as has_foreign_currency
    from {{ ref('fct_oe_order_lines') }}
    where is_sold
    group by company_id, {{ month_start('order_date') }}, currency_code, product_family, product_line, line_kind
) as m
