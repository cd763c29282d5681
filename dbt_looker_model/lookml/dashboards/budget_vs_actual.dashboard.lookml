# Budget vs actual by statement line and account, per fiscal period.
- dashboard: budget_vs_actual
  title: Budget vs actual
  description: Sage's budget fiscal set (Budget1) against actual net change, as income (revenue +, costs −); positive variance is favourable.
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: budget_vs_actual
    field: budget_vs_actual.company_id
  - name: fiscal_year
    title: Fiscal year
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: budget_vs_actual
    field: budget_vs_actual.fiscal_year
  - name: fiscal_period
    title: Fiscal period
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: budget_vs_actual
    field: budget_vs_actual.fiscal_period
  elements:
  - name: budget_by_line
    title: Budget vs actual by statement line
    model: sage_looker
    explore: budget_vs_actual
    type: looker_grid
    fields: [budget_vs_actual.statement_line, budget_vs_actual.budget, budget_vs_actual.actual,
             budget_vs_actual.favourable_variance]
    sorts: [budget_vs_actual.statement_line]
    listen: {company: budget_vs_actual.company_id, fiscal_year: budget_vs_actual.fiscal_year,
             fiscal_period: budget_vs_actual.fiscal_period}
    row: 0
    col: 0
    width: 24
    height: 7
  - name: budget_by_period
    title: Budget and actual by period
    model: sage_looker
    explore: budget_vs_actual
    type: looker_column
    fields: [budget_vs_actual.fiscal_period, budget_vs_actual.budget, budget_vs_actual.actual]
    sorts: [budget_vs_actual.fiscal_period]
    listen: {company: budget_vs_actual.company_id, fiscal_year: budget_vs_actual.fiscal_year}
    row: 7
    col: 0
    width: 24
    height: 7
  - name: budget_by_account
    title: Accounts
    model: sage_looker
    explore: budget_vs_actual
    type: looker_grid
    fields: [budget_vs_actual.account_number, budget_vs_actual.account_description, budget_vs_actual.budget,
             budget_vs_actual.actual, budget_vs_actual.favourable_variance]
    sorts: [budget_vs_actual.favourable_variance]
    limit: 500
    listen: {company: budget_vs_actual.company_id, fiscal_year: budget_vs_actual.fiscal_year,
             fiscal_period: budget_vs_actual.fiscal_period}
    row: 14
    col: 0
    width: 24
    height: 10
