# Margin by product line: revenue, cost and margin of shipped OE lines by product family and line.
- dashboard: margin_by_product_line
  title: Margin by product line
  description: Revenue (extended amount), cost (quantity shipped × unit cost) and margin of sold order lines, in order currency; miscellaneous charges on their own line.
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
    title: Order month
    type: field_filter
    default_value: 6 months
    model: sage_looker
    explore: margin_by_product_line
    field: margin_by_product_line.order_month
  - name: currency
    title: Currency
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: margin_by_product_line
    field: margin_by_product_line.currency_code
  elements:
  - name: margin_by_line
    title: Margin by product line
    model: sage_looker
    explore: margin_by_product_line
    type: looker_bar
    fields: [margin_by_product_line.product_line, margin_by_product_line.revenue, margin_by_product_line.cost,
             margin_by_product_line.margin]
    sorts: [margin_by_product_line.margin desc]
    listen: {company: margin_by_product_line.company_id, month: margin_by_product_line.order_month, currency: margin_by_product_line.currency_code}
    row: 0
    col: 0
    width: 12
    height: 8
  - name: margin_pct_trend
    title: Margin % by month and family
    model: sage_looker
    explore: margin_by_product_line
    type: looker_line
    fields: [margin_by_product_line.order_month, margin_by_product_line.product_family, margin_by_product_line.margin_pct]
    pivots: [margin_by_product_line.product_family]
    sorts: [margin_by_product_line.order_month]
    listen: {company: margin_by_product_line.company_id, month: margin_by_product_line.order_month, currency: margin_by_product_line.currency_code}
    row: 0
    col: 12
    width: 12
    height: 8
  - name: margin_table
    title: Product lines
    model: sage_looker
    explore: margin_by_product_line
    type: looker_grid
    fields: [margin_by_product_line.company_id, margin_by_product_line.currency_code, margin_by_product_line.product_family,
             margin_by_product_line.product_line, margin_by_product_line.revenue, margin_by_product_line.cost,
             margin_by_product_line.margin, margin_by_product_line.margin_pct, margin_by_product_line.order_count]
    sorts: [margin_by_product_line.revenue desc]
    limit: 500
    listen: {company: margin_by_product_line.company_id, month: margin_by_product_line.order_month, currency: margin_by_product_line.currency_code}
    row: 8
    col: 0
    width: 24
    height: 10
