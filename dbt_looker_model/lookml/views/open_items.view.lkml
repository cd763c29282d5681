# AP / AR open items and aging (dbt marts). Amounts are in the document currency (currency_basis = source);
# functional_* amounts are in the company's functional currency. One row set per as-of date: filter one.

view: fct_ap_open_items {
  sql_table_name: marts.fct_ap_open_items ;;
  dimension: open_item_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.open_item_key ;; }
  dimension: vendor_key { hidden: yes type: string sql: ${TABLE}.vendor_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: vendor_number { type: string sql: ${TABLE}.vendor_number ;; }
  dimension: document_number { type: string sql: ${TABLE}.document_number ;; }
  dimension: document_type { type: string sql: ${TABLE}.document_type ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: aging_bucket { type: string sql: ${TABLE}.aging_bucket ;; order_by_field: aging_bucket_order }
  dimension: aging_bucket_order { hidden: yes type: number sql: ${TABLE}.aging_bucket_order ;; }
  dimension: days_past_due { type: number sql: ${TABLE}.days_past_due ;; }
  dimension: is_overpaid { type: yesno sql: ${TABLE}.is_overpaid ;; }
  dimension_group: as_of { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  dimension_group: document { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.document_date ;; }
  dimension_group: due { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.due_date ;; }
  dimension: document_amount { hidden: yes type: number sql: ${TABLE}.document_amount ;; }
  dimension: applied_amount { hidden: yes type: number sql: ${TABLE}.applied_amount ;; }
  dimension: open_amount { hidden: yes type: number sql: ${TABLE}.open_amount ;; }
  dimension: functional_open_amount { hidden: yes type: number sql: ${TABLE}.functional_open_amount ;; }
  measure: total_document_amount { type: sum sql: ${document_amount} ;; value_format_name: decimal_2 }
  measure: total_applied_amount { type: sum sql: ${applied_amount} ;; value_format_name: decimal_2 }
  measure: total_open_amount { description: "Document currency" type: sum sql: ${open_amount} ;; value_format_name: decimal_2 }
  measure: total_functional_open_amount { description: "Functional currency" type: sum sql: ${functional_open_amount} ;; value_format_name: decimal_2 }
  measure: document_count { type: count }
}

view: fct_ar_open_items {
  sql_table_name: marts.fct_ar_open_items ;;
  dimension: open_item_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.open_item_key ;; }
  dimension: customer_key { hidden: yes type: string sql: ${TABLE}.customer_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: customer_number { type: string sql: ${TABLE}.customer_number ;; }
  dimension: document_number { type: string sql: ${TABLE}.document_number ;; }
  dimension: document_type { type: string sql: ${TABLE}.document_type ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: aging_bucket { type: string sql: ${TABLE}.aging_bucket ;; order_by_field: aging_bucket_order }
  dimension: aging_bucket_order { hidden: yes type: number sql: ${TABLE}.aging_bucket_order ;; }
  dimension: days_past_due { type: number sql: ${TABLE}.days_past_due ;; }
  dimension_group: as_of { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  dimension_group: document { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.document_date ;; }
  dimension_group: due { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.due_date ;; }
  dimension: open_amount { hidden: yes type: number sql: ${TABLE}.open_amount ;; }
  dimension: functional_open_amount { hidden: yes type: number sql: ${TABLE}.functional_open_amount ;; }
  measure: total_open_amount { description: "Document currency" type: sum sql: ${open_amount} ;; value_format_name: decimal_2 }
  measure: total_functional_open_amount { description: "Functional currency" type: sum sql: ${functional_open_amount} ;; value_format_name: decimal_2 }
  measure: document_count { type: count }
}

view: ap_aging {
  sql_table_name: marts.ap_aging ;;
  dimension: ap_aging_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.ap_aging_key ;; }
  dimension: vendor_key { hidden: yes type: string sql: ${TABLE}.vendor_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: vendor_number { type: string sql: ${TABLE}.vendor_number ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension_group: as_of { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  dimension: open_amount { hidden: yes type: number sql: ${TABLE}.open_amount ;; }
  measure: total_open_amount { type: sum sql: ${open_amount} ;; value_format_name: decimal_2 }
  measure: current { label: "Current" type: sum sql: ${TABLE}.bucket_current ;; value_format_name: decimal_2 }
  measure: days_1_30 { label: "1-30 days" type: sum sql: ${TABLE}.bucket_1_30 ;; value_format_name: decimal_2 }
  measure: days_31_60 { label: "31-60 days" type: sum sql: ${TABLE}.bucket_31_60 ;; value_format_name: decimal_2 }
  measure: days_61_90 { label: "61-90 days" type: sum sql: ${TABLE}.bucket_61_90 ;; value_format_name: decimal_2 }
  measure: over_90 { label: "Over 90 days" type: sum sql: ${TABLE}.bucket_over_90 ;; value_format_name: decimal_2 }
  measure: overdue_amount { type: sum sql: ${TABLE}.overdue_amount ;; value_format_name: decimal_2 }
  measure: unapplied_payments { type: sum sql: ${TABLE}.unapplied_payments ;; value_format_name: decimal_2 }
  measure: in_entry_amount { label: "In entry (unposted)" type: sum sql: ${TABLE}.in_entry_amount ;; value_format_name: decimal_2 }
  measure: functional_open_amount { description: "Functional currency" type: sum sql: ${TABLE}.functional_open_amount ;; value_format_name: decimal_2 }
  measure: vendor_count { type: count_distinct sql: ${vendor_key} ;; }
}

view: ar_aging {
  sql_table_name: marts.ar_aging ;;
  dimension: ar_aging_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.ar_aging_key ;; }
  dimension: customer_key { hidden: yes type: string sql: ${TABLE}.customer_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: customer_number { type: string sql: ${TABLE}.customer_number ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: is_over_credit_limit { type: yesno sql: ${TABLE}.is_over_credit_limit ;; }
  dimension: avg_days_to_pay_90d { type: number sql: ${TABLE}.avg_days_to_pay_90d ;; value_format_name: decimal_1 }
  dimension: avg_days_late_90d { type: number sql: ${TABLE}.avg_days_late_90d ;; value_format_name: decimal_1 }
  dimension: credit_limit { type: number sql: ${TABLE}.credit_limit ;; value_format_name: decimal_2 }
  dimension_group: as_of { type: time timeframes: [raw, date, week, month, year] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  dimension: open_amount { hidden: yes type: number sql: ${TABLE}.open_amount ;; }
  measure: total_open_amount { type: sum sql: ${open_amount} ;; value_format_name: decimal_2 }
  measure: current { label: "Current" type: sum sql: ${TABLE}.bucket_current ;; value_format_name: decimal_2 }
  measure: days_1_30 { label: "1-30 days" type: sum sql: ${TABLE}.bucket_1_30 ;; value_format_name: decimal_2 }
  measure: days_31_60 { label: "31-60 days" type: sum sql: ${TABLE}.bucket_31_60 ;; value_format_name: decimal_2 }
  measure: days_61_90 { label: "61-90 days" type: sum sql: ${TABLE}.bucket_61_90 ;; value_format_name: decimal_2 }
  measure: over_90 { label: "Over 90 days" type: sum sql: ${TABLE}.bucket_over_90 ;; value_format_name: decimal_2 }
  measure: overdue_amount { type: sum sql: ${TABLE}.overdue_amount ;; value_format_name: decimal_2 }
  measure: unapplied_receipts { type: sum sql: ${TABLE}.unapplied_receipts ;; value_format_name: decimal_2 }
  measure: balance_after_unapplied { type: sum sql: ${TABLE}.balance_after_unapplied ;; value_format_name: decimal_2 }
  measure: in_entry_amount { label: "In entry (unposted)" type: sum sql: ${TABLE}.in_entry_amount ;; value_format_name: decimal_2 }
  measure: functional_open_amount { description: "Functional currency" type: sum sql: ${TABLE}.functional_open_amount ;; value_format_name: decimal_2 }
  measure: customers_over_credit_limit { type: count_distinct sql: CASE WHEN ${is_over_credit_limit} THEN ${customer_key} END ;; }
  measure: customer_count { type: count_distinct sql: ${customer_key} ;; }
}

view: cash_flow_forecast {
  sql_table_name: marts.cash_flow_forecast ;;
  dimension: forecast_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.forecast_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: week_number { type: number sql: ${TABLE}.week_number ;; }
  dimension: week_label { type: string sql: ${TABLE}.week_label ;; order_by_field: week_number }
  dimension: is_beyond_horizon { type: yesno sql: ${TABLE}.is_beyond_horizon ;; }
  dimension_group: as_of { type: time timeframes: [raw, date] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  dimension_group: week_start { type: time timeframes: [raw, date, week, month] datatype: date convert_tz: no sql: ${TABLE}.week_start_date ;; }
  measure: inflows { type: sum sql: ${TABLE}.inflows ;; value_format_name: decimal_2 }
  measure: outflows { type: sum sql: ${TABLE}.outflows ;; value_format_name: decimal_2 }
  measure: net_flow { type: sum sql: ${TABLE}.net_flow ;; value_format_name: decimal_2 }
  measure: cumulative_net_flow { description: "Per company and currency; do not sum across currencies" type: sum sql: ${TABLE}.cumulative_net_flow ;; value_format_name: decimal_2 }
  measure: po_commitments { description: "Open purchase-order lines (ordered − received × unit cost) by expected arrival" type: sum sql: ${TABLE}.po_commitments ;; value_format_name: decimal_2 }
  measure: starting_cash { description: "Posted GL balance of the cash accounts at the end of the as-of date (same on every week row)" type: max sql: ${TABLE}.starting_cash ;; value_format_name: decimal_2 }
  measure: projected_cash { description: "Starting cash + inflows − outflows − PO commitments to the end of the week; one company and currency" type: sum sql: ${TABLE}.projected_cash ;; value_format_name: decimal_2 }
}
