# AP aging: what we owe, by vendor and bucket, as of the latest as-of date the marts were built for.
- dashboard: ap_aging
  title: AP aging
  description: Open posted AP by vendor and aging bucket (document currency); unposted batches shown apart as in entry.
  layout: newspaper
  preferred_viewer: dashboards-next
  refresh: 1 hour
  filters:
  - name: company
    title: Company
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: ap_aging
    field: ap_aging.company_id
  - name: as_of
    title: As of date
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: ap_aging
    field: ap_aging.as_of_date
  - name: currency
    title: Currency
    type: field_filter
    default_value: ''
    model: sage_looker
    explore: ap_aging
    field: ap_aging.currency_code
  elements:
  - name: ap_total_open
    title: Open AP
    model: sage_looker
    explore: ap_aging
    type: single_value
    fields: [ap_aging.total_open_amount]
    listen: {company: ap_aging.company_id, as_of: ap_aging.as_of_date, currency: ap_aging.currency_code}
    row: 0
    col: 0
    width: 6
    height: 3
  - name: ap_overdue
    title: Overdue
    model: sage_looker
    explore: ap_aging
    type: single_value
    fields: [ap_aging.overdue_amount]
    listen: {company: ap_aging.company_id, as_of: ap_aging.as_of_date, currency: ap_aging.currency_code}
    row: 0
    col: 6
    width: 6
    height: 3
  - name: ap_in_entry
    title: In entry (unposted)
    model: sage_looker
    explore: ap_aging
    type: single_value
    fields: [ap_aging.in_entry_amount]
    listen: {company: ap_aging.company_id, as_of: ap_aging.as_of_date, currency: ap_aging.currency_code}
    row: 0
    col: 12
    width: 6
    height: 3
  - name: ap_buckets
    title: Aging buckets
    model: sage_looker
    explore: ap_aging
    type: looker_column
    fields: [ap_aging.currency_code, ap_aging.current, ap_aging.days_1_30, ap_aging.days_31_60, ap_aging.days_61_90,
             ap_aging.over_90]
    sorts: [ap_aging.currency_code]
    stacking: normal
    listen: {company: ap_aging.company_id, as_of: ap_aging.as_of_date, currency: ap_aging.currency_code}
    row: 3
    col: 0
    width: 24
    height: 7
  - name: ap_by_vendor
    title: Aging by vendor
    model: sage_looker
    explore: ap_aging
    type: looker_grid
    fields: [ap_aging.company_id, ap_aging.vendor_number, dim_vendor.vendor_name, ap_aging.currency_code,
             ap_aging.current, ap_aging.days_1_30, ap_aging.days_31_60, ap_aging.days_61_90, ap_aging.over_90,
             ap_aging.total_open_amount, ap_aging.unapplied_payments, ap_aging.in_entry_amount]
    sorts: [ap_aging.total_open_amount desc]
    limit: 500
    listen: {company: ap_aging.company_id, as_of: ap_aging.as_of_date, currency: ap_aging.currency_code}
    row: 10
    col: 0
    width: 24
    height: 10
  - name: ap_overdue_documents
    title: Overdue documents
    model: sage_looker
    explore: fct_ap_open_items
    type: looker_grid
    fields: [fct_ap_open_items.vendor_number, dim_vendor.vendor_name, fct_ap_open_items.document_number,
             fct_ap_open_items.document_type, fct_ap_open_items.due_date, fct_ap_open_items.days_past_due,
             fct_ap_open_items.aging_bucket, fct_ap_open_items.currency_code, fct_ap_open_items.total_open_amount]
    filters:
      fct_ap_open_items.days_past_due: '>0'
    sorts: [fct_ap_open_items.days_past_due desc]
    limit: 500
    listen: {company: fct_ap_open_items.company_id, as_of: fct_ap_open_items.as_of_date, currency: fct_ap_open_items.currency_code}
    row: 20
    col: 0
    width: 24
    height: 10
