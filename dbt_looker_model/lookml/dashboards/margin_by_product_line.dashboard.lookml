# Margin by product line: revenue, cost and margin of invoiced AR lines by product family and line.
- dashboard: margin_by_product_line
  title: Margin by product line
  description: Revenue (invoice line net of tax), cost of goods sold and margin of invoiced sales by invoice date, in functional currency; credit notes reduce both; lines without an item on their own line.
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: margin_by_product_line
    field: margin_by_product_line.company_id
  - name: month
    title: Invoice month
    type: field_filter
    default_value: 6 months
    model: sage_looker
    explore: margin_by_product_line
    field: margin_by_product_line.invoice_month
  - name: currency
    title: Currency
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: margin_by_product_line
    field: margin_by_product_line.functional_currency
  elements:
  - name: margin_by_line
    title: Margin by product line
    model: sage_looker
    explore: margin_by_product_line
    type: looker_bar
    fields: [margin_by_product_line.product_line, margin_by_product_line.revenue, margin_by_product_line.cost,
             margin_by_product_line.margin]
    sorts: [margin_by_product_line.margin desc]
    listen: {company: margin_by_product_line.company_id, month: margin_by_product_line.invoice_month, currency: margin_by_product_line.functional_currency}
    row: 0
    col: 0
    width: 12
    height: 8
  - name: margin_pct_trend
    title: Margin % by month and family
    model: sage_looker
    explore: margin_by_product_line
    type: looker_line
    fields: [margin_by_product_line.invoice_month, margin_by_product_line.product_family, margin_by_product_line.margin_pct]
    pivots: [margin_by_product_line.product_family]
    sorts: [margin_by_product_line.invoice_month]
    listen: {company: margin_by_product_line.company_id, month: margin_by_product_line.invoice_month, currency: margin_by_product_line.functional_currency}
    row: 0
    col: 12
    width: 12
    height: 8
  - name: margin_table
    title: Product lines
    model: sage_looker
    explore: margin_by_product_line
    type: looker_grid
    fields: [margin_by_product_line.company_id, margin_by_product_line.functional_currency, margin_by_product_line.product_family,
             margin_by_product_line.product_line, margin_by_product_line.revenue, margin_by_product_line.cost,
             margin_by_product_line.margin, margin_by_product_line.margin_pct, margin_by_product_line.document_count]
    sorts: [margin_by_product_line.revenue desc]
    limit: 500
    listen: {company: margin_by_product_line.company_id, month: margin_by_product_line.invoice_month, currency: margin_by_product_line.functional_currency}
    row: 8
    col: 0
    width: 24
    height: 10
