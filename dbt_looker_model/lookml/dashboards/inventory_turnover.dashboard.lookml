# Inventory turnover: COGS over average inventory from the daily snapshots (missing days stay missing).
- dashboard: inventory_turnover
  title: Inventory turnover
  description: Turnover and days inventory outstanding per product line and month (functional currency); snapshot_days shows how many days were captured.
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: inventory_turnover
    field: inventory_turnover.company_id
  - name: month
    title: Month
    type: field_filter
    default_value: 6 months
    model: sage_looker
    explore: inventory_turnover
    field: inventory_turnover.period_start_month
  elements:
  - name: turnover_by_line
    title: Turnover by product line
    model: sage_looker
    explore: inventory_turnover
    type: looker_bar
    fields: [inventory_turnover.product_line, inventory_turnover.turnover, inventory_turnover.days_inventory_outstanding]
    sorts: [inventory_turnover.turnover desc]
    listen: {company: inventory_turnover.company_id, month: inventory_turnover.period_start_month}
    row: 0
    col: 0
    width: 12
    height: 8
  - name: inventory_value_trend
    title: Inventory value by day
    model: sage_looker
    explore: fct_inventory_daily
    type: looker_area
    fields: [fct_inventory_daily.snapshot_date, fct_inventory_daily.product_family, fct_inventory_daily.inventory_value]
    pivots: [fct_inventory_daily.product_family]
    sorts: [fct_inventory_daily.snapshot_date]
    listen: {company: fct_inventory_daily.company_id}
    row: 0
    col: 12
    width: 12
    height: 8
  - name: turnover_table
    title: Turnover detail
    model: sage_looker
    explore: inventory_turnover
    type: looker_grid
    fields: [inventory_turnover.company_id, inventory_turnover.period_start_month, inventory_turnover.product_family,
             inventory_turnover.product_line, inventory_turnover.days_in_period, inventory_turnover.snapshot_days,
             inventory_turnover.average_inventory_value, inventory_turnover.cogs, inventory_turnover.turnover,
             inventory_turnover.days_inventory_outstanding]
    sorts: [inventory_turnover.period_start_month desc, inventory_turnover.turnover desc]
    limit: 500
    listen: {company: inventory_turnover.company_id, month: inventory_turnover.period_start_month}
    row: 8
    col: 0
    width: 24
    height: 10
