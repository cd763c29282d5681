# Income statement and balance sheet by statement line, year to date against the prior year's same period.
- dashboard: financial_statements
  title: Income statement and balance sheet
  description: Statement lines from the seed gl_statement_lines; year to date with the prior year's same period (functional currency).
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: fin_statements
    field: fin_statements.company_id
  - name: fiscal_year
    title: Fiscal year
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: fin_statements
    field: fin_statements.fiscal_year
  - name: fiscal_period
    title: Fiscal period
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: fin_statements
    field: fin_statements.fiscal_period
  elements:
  - name: income_statement
    title: Income statement (year to date vs prior year)
    model: sage_looker
    explore: fin_statements
    type: looker_grid
    fields: [fin_statements.statement_line, fin_statements.reported_ytd_amount,
             fin_statements.reported_prior_year_ytd_amount, fin_statements.change_vs_prior_year]
    filters: {fin_statements.statement: income_statement}
    sorts: [fin_statements.statement_line]
    listen: {company: fin_statements.company_id, fiscal_year: fin_statements.fiscal_year,
             fiscal_period: fin_statements.fiscal_period}
    row: 0
    col: 0
    width: 12
    height: 8
  - name: balance_sheet
    title: Balance sheet (debit +, credit −) vs prior year
    model: sage_looker
    explore: fin_statements
    type: looker_grid
    fields: [fin_statements.statement_line, fin_statements.ytd_amount, fin_statements.prior_year_ytd_amount]
    filters: {fin_statements.statement: balance_sheet}
    sorts: [fin_statements.statement_line]
    listen: {company: fin_statements.company_id, fiscal_year: fin_statements.fiscal_year,
             fiscal_period: fin_statements.fiscal_period}
    row: 0
    col: 12
    width: 12
    height: 8
  - name: income_by_period
    title: Income statement by period
    model: sage_looker
    explore: fin_statements
    type: looker_column
    fields: [fin_statements.period_label, fin_statements.statement_line, fin_statements.reported_period_amount]
    pivots: [fin_statements.statement_line]
    filters: {fin_statements.statement: income_statement}
    sorts: [fin_statements.period_label]
    listen: {company: fin_statements.company_id, fiscal_year: fin_statements.fiscal_year}
    row: 8
    col: 0
    width: 24
    height: 8
