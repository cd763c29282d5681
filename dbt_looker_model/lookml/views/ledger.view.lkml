# General ledger marts: functional currency (currency_basis = functional).

view: gl_trial_balance {
  sql_table_name: marts.gl_trial_balance ;;
  dimension: trial_balance_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.trial_balance_key ;; }
  dimension: account_key { hidden: yes type: string sql: ${TABLE}.account_key ;; }
  dimension: fiscal_period_key { hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; value_format_name: id }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
  dimension: period_label { description: "P01..P13, adjustment (14), closing (15: the year-end close)" type: string sql: ${TABLE}.period_label ;; }
  dimension: is_closing_period { type: yesno sql: ${TABLE}.is_closing_period ;; }
  dimension: is_retained_earnings { type: yesno sql: ${TABLE}.is_retained_earnings ;; }
  dimension: gl_complete { description: "The loaded posted GL covers the whole period" type: yesno sql: ${TABLE}.gl_complete ;; }
  dimension: account_code { type: string sql: ${TABLE}.account_code ;; }
  dimension: account_number { type: string sql: ${TABLE}.account_number ;; }
  dimension: account_description { type: string sql: ${TABLE}.account_description ;; }
  dimension: statement_line { type: string sql: ${TABLE}.statement_line ;; }
  dimension: balance_type { type: string sql: ${TABLE}.balance_type ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension_group: period_end { type: time timeframes: [raw, date, month, year] datatype: date convert_tz: no sql: ${TABLE}.period_end_date ;; }
  measure: opening_balance { description: "Sum only within one period" type: sum sql: ${TABLE}.opening_balance ;; value_format_name: decimal_2 }
  measure: debits { type: sum sql: ${TABLE}.debits ;; value_format_name: decimal_2 }
  measure: credits { type: sum sql: ${TABLE}.credits ;; value_format_name: decimal_2 }
  measure: net_change { description: "Sage's fiscal-set net change" type: sum sql: ${TABLE}.net_change ;; value_format_name: decimal_2 }
  measure: gl_net_change { description: "Net change of the loaded posted GL" type: sum sql: ${TABLE}.gl_net_change ;; value_format_name: decimal_2 }
  measure: closing_balance { description: "Sum only within one period" type: sum sql: ${TABLE}.closing_balance ;; value_format_name: decimal_2 }
}

view: fct_gl_posted_lines {
  sql_table_name: marts.fct_gl_posted_lines ;;
  dimension: gl_line_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.gl_line_key ;; }
  dimension: account_key { hidden: yes type: string sql: ${TABLE}.account_key ;; }
  dimension: fiscal_period_key { hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: account_code { type: string sql: ${TABLE}.account_code ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; value_format_name: id }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
  dimension: source_ledger_code { type: string sql: ${TABLE}.source_ledger_code ;; }
  dimension: source_type_code { type: string sql: ${TABLE}.source_type_code ;; }
  dimension: batch_number { type: string sql: ${TABLE}.batch_number ;; }
  dimension: description { type: string sql: ${TABLE}.description ;; }
  dimension: source_currency_code { type: string sql: ${TABLE}.source_currency_code ;; }
  dimension_group: journal { type: time timeframes: [raw, date, week, month, quarter, year] datatype: date convert_tz: no sql: ${TABLE}.journal_date ;; }
  measure: amount { description: "Functional currency, debit + credit −" type: sum sql: ${TABLE}.amount ;; value_format_name: decimal_2 }
  measure: debits { type: sum sql: ${TABLE}.debit_amount ;; value_format_name: decimal_2 }
  measure: credits { type: sum sql: ${TABLE}.credit_amount ;; value_format_name: decimal_2 }
  measure: source_currency_amount { type: sum sql: ${TABLE}.source_currency_amount ;; value_format_name: decimal_2 }
  measure: line_count { type: count }
}

view: subledger_tie_out {
  sql_table_name: marts.subledger_tie_out ;;
  dimension: tie_out_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.tie_out_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: ledger { type: string sql: ${TABLE}.ledger ;; }
  dimension: currency_code { description: "Party currency (the GL side from the control accounts' Equivalent fiscal sets); empty = company total" type: string sql: ${TABLE}.currency_code ;; }
  dimension: control_accounts { description: "The AR/AP control accounts the GL side sums" type: string sql: ${TABLE}.control_accounts ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension_group: as_of { type: time timeframes: [raw, date] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  measure: aging_balance { type: sum sql: ${TABLE}.aging_balance ;; value_format_name: decimal_2 }
  measure: party_balance { description: "Sage's customers'/vendors' BalanceDueInFunctionalCurrency" type: sum sql: ${TABLE}.party_balance ;; value_format_name: decimal_2 }
  measure: gl_control_balance { type: sum sql: ${TABLE}.gl_control_balance ;; value_format_name: decimal_2 }
  measure: gl_pending { description: "Control-account lines of subledger GL batches not yet posted" type: sum sql: ${TABLE}.gl_pending ;; value_format_name: decimal_2 }
  measure: aging_vs_party_difference { type: sum sql: ${TABLE}.aging_vs_party_difference ;; value_format_name: decimal_2 }
  measure: aging_vs_gl_difference { type: sum sql: ${TABLE}.aging_vs_gl_difference ;; value_format_name: decimal_2 }
}

view: fct_ar_open_instalments {
  sql_table_name: marts.fct_ar_open_instalments ;;
  dimension: instalment_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.instalment_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: customer_number { type: string sql: ${TABLE}.customer_number ;; }
  dimension: document_number { type: string sql: ${TABLE}.document_number ;; }
  dimension: payment_number { type: number sql: ${TABLE}.payment_number ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: aging_bucket { type: string sql: ${TABLE}.aging_bucket ;; }
  dimension: days_past_due { type: number sql: ${TABLE}.days_past_due ;; }
  dimension_group: as_of { type: time timeframes: [raw, date] datatype: date convert_tz: no sql: ${TABLE}.as_of_date ;; }
  dimension_group: due { type: time timeframes: [raw, date, week, month] datatype: date convert_tz: no sql: ${TABLE}.due_date ;; }
  measure: open_amount { type: sum sql: ${TABLE}.open_amount ;; value_format_name: decimal_2 }
}
