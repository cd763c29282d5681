-- Margin per company, invoice month and product line on invoiced sales (fct_ar_invoice_lines): revenue net of
-- tax and cost of goods sold, both in functional currency, by invoice date; credit notes reduce both.
-- margin_pct = margin / revenue (NULL when revenue is 0). currency_basis: functional.
select
    {{ surrogate_key(['company_id', 'invoice_month', 'product_family', 'product_line', 'line_kind']) }} as margin_key,
    *,
    revenue - cost as margin,
    {{ exact_divide('revenue - cost', 'revenue', 6) }} as margin_pct,
    'functional' as currency_basis
from (
    select
        company_id,
        {{ month_start('invoice_date') }} as invoice_month,
        functional_currency,
        product_family,
        product_line,
        line_kind,
        sum(revenue) as revenue,
        sum(cost) as cost,
        sum(quantity) as quantity_invoiced,
        count(*) as line_count,
        count(distinct document_number) as document_count
    from {{ ref('fct_ar_invoice_lines') }}
    group by company_id, {{ month_start('invoice_date') }}, functional_currency, product_family, product_line, line_kind
) as m
