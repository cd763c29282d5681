# Cash-flow forecast: 13 Monday weeks of expected receipts (open AR) and payments (open AP), plus beyond;
# projected cash from the GL cash accounts' balance, net of open purchase-order commitments.
- dashboard: cash_flow_forecast
  title: Cash-flow forecast
  description: Weekly inflows (open AR by due date), outflows (open AP by due date), net and cumulative, per currency; overdue items fall in week 1.
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: cash_flow_forecast
    field: cash_flow_forecast.company_id
  - name: as_of
    title: As of date
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: cash_flow_forecast
    field: cash_flow_forecast.as_of_date
  - name: currency
    title: Currency
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: cash_flow_forecast
    field: cash_flow_forecast.currency_code
  elements:
  - name: cash_weekly
    title: Inflows, outflows and net by week
    model: sage_looker
    explore: cash_flow_forecast
    type: looker_column
    fields: [cash_flow_forecast.week_label, cash_flow_forecast.inflows, cash_flow_forecast.outflows,
             cash_flow_forecast.net_flow]
    sorts: [cash_flow_forecast.week_label]
    listen: {company: cash_flow_forecast.company_id, as_of: cash_flow_forecast.as_of_date, currency: cash_flow_forecast.currency_code}
    row: 0
    col: 0
    width: 24
    height: 8
  - name: cash_cumulative
    title: Cumulative net flow
    model: sage_looker
    explore: cash_flow_forecast
    type: looker_line
    fields: [cash_flow_forecast.week_label, cash_flow_forecast.currency_code, cash_flow_forecast.cumulative_net_flow]
    pivots: [cash_flow_forecast.currency_code]
    sorts: [cash_flow_forecast.week_label]
    listen: {company: cash_flow_forecast.company_id, as_of: cash_flow_forecast.as_of_date, currency: cash_flow_forecast.currency_code}
    row: 8
    col: 0
    width: 24
    height: 7
  - name: cash_table
    title: Forecast table
    model: sage_looker
    explore: cash_flow_forecast
    type: looker_grid
    fields: [cash_flow_forecast.company_id, cash_flow_forecast.currency_code, cash_flow_forecast.week_label,
             cash_flow_forecast.week_start_date, cash_flow_forecast.inflows, cash_flow_forecast.outflows,
             cash_flow_forecast.net_flow, cash_flow_forecast.cumulative_net_flow, cash_flow_forecast.po_commitments,
             cash_flow_forecast.starting_cash, cash_flow_forecast.projected_cash]
    sorts: [cash_flow_forecast.company_id, cash_flow_forecast.currency_code, cash_flow_forecast.week_label]
    limit: 500
    listen: {company: cash_flow_forecast.company_id, as_of: cash_flow_forecast.as_of_date, currency: cash_flow_forecast.currency_code}
    row: 15
    col: 0
    width: 24
    height: 10
  - name: cash_projected
    title: Projected cash (starting GL cash + inflows − outflows − PO commitments)
    model: sage_looker
    explore: cash_flow_forecast
    type: looker_line
    fields: [cash_flow_forecast.week_label, cash_flow_forecast.currency_code, cash_flow_forecast.projected_cash]
    pivots: [cash_flow_forecast.currency_code]
    sorts: [cash_flow_forecast.week_label]
    listen: {company: cash_flow_forecast.company_id, as_of: cash_flow_forecast.as_of_date, currency: cash_flow_forecast.currency_code}
    row: 25
    col: 0
    width: 24
    height: 7
