# DSO and DPO per fiscal period from the GL control accounts, revenue and cost of sales.
- dashboard: working_capital
  title: DSO and DPO
  description: Days sales outstanding (AR / revenue × days) and days payables outstanding (AP / cost of sales × days) per fiscal period.
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: working_capital_days
    field: working_capital_days.company_id
  - name: fiscal_year
    title: Fiscal year
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: working_capital_days
    field: working_capital_days.fiscal_year
  elements:
  - name: dso_dpo_trend
    title: DSO and DPO by period
    model: sage_looker
    explore: working_capital_days
    type: looker_line
    fields: [working_capital_days.period_end_month, working_capital_days.dso_days, working_capital_days.dpo_days]
    sorts: [working_capital_days.period_end_month]
    listen: {company: working_capital_days.company_id, fiscal_year: working_capital_days.fiscal_year}
    row: 0
    col: 0
    width: 24
    height: 8
  - name: working_capital_table
    title: Balances behind the days
    model: sage_looker
    explore: working_capital_days
    type: looker_grid
    fields: [working_capital_days.company_id, working_capital_days.fiscal_year, working_capital_days.fiscal_period,
             working_capital_days.ar_balance, working_capital_days.revenue, working_capital_days.dso_days,
             working_capital_days.ap_balance, working_capital_days.cogs, working_capital_days.dpo_days]
    sorts: [working_capital_days.company_id, working_capital_days.fiscal_year, working_capital_days.fiscal_period]
    limit: 500
    listen: {company: working_capital_days.company_id, fiscal_year: working_capital_days.fiscal_year}
    row: 8
    col: 0
    width: 24
    height: 10
