# General ledger marts: functional currency (currency_basis = functional).

view: gl_trial_balance {
  sql_table_name: marts.gl_trial_balance ;;
  dimension: trial_balance_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.trial_balance_key ;; }
  dimension: account_key { hidden: yes type: string sql: ${TABLE}.account_key ;; }
  dimension: fiscal_period_key { hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; value_format_name: id }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
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
  measure: net_change { type: sum sql: ${TABLE}.net_change ;; value_format_name: decimal_2 }
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
