# AR collections: who owes us, how late, who is over the credit limit, how fast customers pay.
- dashboard: ar_collections
  title: AR collections
  description: Open posted AR by customer and aging bucket (document currency), credit limits, days to pay (90 days).
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: ar_aging
    field: ar_aging.company_id
  - name: as_of
    title: As of date
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: ar_aging
    field: ar_aging.as_of_date
  - name: currency
    title: Currency
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: ar_aging
    field: ar_aging.currency_code
  elements:
  - name: ar_total_open
    title: Open AR
    model: sage_looker
    explore: ar_aging
    type: single_value
    fields: [ar_aging.total_open_amount]
    listen: {company: ar_aging.company_id, as_of: ar_aging.as_of_date, currency: ar_aging.currency_code}
    row: 0
    col: 0
    width: 6
    height: 3
  - name: ar_overdue
    title: Overdue
    model: sage_looker
    explore: ar_aging
    type: single_value
    fields: [ar_aging.overdue_amount]
    listen: {company: ar_aging.company_id, as_of: ar_aging.as_of_date, currency: ar_aging.currency_code}
    row: 0
    col: 6
    width: 6
    height: 3
  - name: ar_unapplied
    title: Unapplied receipts
    model: sage_looker
    explore: ar_aging
    type: single_value
    fields: [ar_aging.unapplied_receipts]
    listen: {company: ar_aging.company_id, as_of: ar_aging.as_of_date, currency: ar_aging.currency_code}
    row: 0
    col: 12
    width: 6
    height: 3
  - name: ar_over_limit
    title: Customers over credit limit
    model: sage_looker
    explore: ar_aging
    type: single_value
    fields: [ar_aging.customers_over_credit_limit]
    listen: {company: ar_aging.company_id, as_of: ar_aging.as_of_date, currency: ar_aging.currency_code}
    row: 0
    col: 18
    width: 6
    height: 3
  - name: ar_buckets
    title: Aging buckets
    model: sage_looker
    explore: ar_aging
    type: looker_column
    fields: [ar_aging.currency_code, ar_aging.current, ar_aging.days_1_30, ar_aging.days_31_60, ar_aging.days_61_90,
             ar_aging.over_90]
    sorts: [ar_aging.currency_code]
    stacking: normal
    listen: {company: ar_aging.company_id, as_of: ar_aging.as_of_date, currency: ar_aging.currency_code}
    row: 3
    col: 0
    width: 24
    height: 7
  - name: ar_collections_list
    title: Collections list
    model: sage_looker
    explore: ar_aging
    type: looker_grid
    fields: [ar_aging.company_id, ar_aging.customer_number, dim_customer.customer_name, ar_aging.currency_code,
             ar_aging.overdue_amount, ar_aging.days_31_60, ar_aging.days_61_90, ar_aging.over_90,
             ar_aging.total_open_amount, ar_aging.unapplied_receipts, ar_aging.balance_after_unapplied,
             ar_aging.credit_limit, ar_aging.is_over_credit_limit, ar_aging.avg_days_to_pay_90d,
             ar_aging.avg_days_late_90d]
    filters:
      ar_aging.overdue_amount: '>0'
    sorts: [ar_aging.overdue_amount desc]
    limit: 500
    listen: {company: ar_aging.company_id, as_of: ar_aging.as_of_date, currency: ar_aging.currency_code}
    row: 10
    col: 0
    width: 24
    height: 12
