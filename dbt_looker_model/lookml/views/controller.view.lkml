# What a controller asks for after the aging: statements with prior-year comparatives and working-capital days.
view: fin_statements {
  sql_table_name: marts.fin_statements ;;
  dimension: statement_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.statement_key ;; }
  dimension: fiscal_period_key { hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
  dimension: period_label { type: string sql: ${TABLE}.period_label ;; order_by_field: fiscal_period }
  dimension: statement { description: "income_statement or balance_sheet" type: string sql: ${TABLE}.statement ;; }
  dimension: statement_line { description: "From the seed gl_statement_lines" type: string sql: ${TABLE}.statement_line ;; order_by_field: sort_order }
  dimension: sort_order { type: number sql: ${TABLE}.sort_order ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension_group: period_end { type: time timeframes: [raw, date, month] datatype: date convert_tz: no sql: ${TABLE}.period_end_date ;; }
  measure: period_amount { description: "GL sign (debit +)" type: sum sql: ${TABLE}.period_amount ;; value_format_name: decimal_2 }
  measure: ytd_amount { description: "GL sign (debit +)" type: sum sql: ${TABLE}.ytd_amount ;; value_format_name: decimal_2 }
  measure: prior_year_ytd_amount { type: sum sql: ${TABLE}.prior_year_ytd_amount ;; value_format_name: decimal_2 }
  measure: reported_period_amount { description: "Income statement as income (revenue +, costs −)" type: sum sql: ${TABLE}.reported_period_amount ;; value_format_name: decimal_2 }
  measure: reported_ytd_amount { description: "Income statement as income (revenue +, costs −)" type: sum sql: ${TABLE}.reported_ytd_amount ;; value_format_name: decimal_2 }
  measure: reported_prior_year_ytd_amount { type: sum sql: ${TABLE}.reported_prior_year_ytd_amount ;; value_format_name: decimal_2 }
  measure: change_vs_prior_year { type: number sql: ${reported_ytd_amount} - ${reported_prior_year_ytd_amount} ;; value_format_name: decimal_2 }
}

view: working_capital_days {
  sql_table_name: marts.working_capital_days ;;
  dimension: working_capital_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.working_capital_key ;; }
  dimension: fiscal_period_key { hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: days_in_period { type: number sql: ${TABLE}.days_in_period ;; }
  dimension_group: period_end { type: time timeframes: [raw, date, month] datatype: date convert_tz: no sql: ${TABLE}.period_end_date ;; }
  measure: ar_balance { type: sum sql: ${TABLE}.ar_balance ;; value_format_name: decimal_2 }
  measure: revenue { type: sum sql: ${TABLE}.revenue ;; value_format_name: decimal_2 }
  measure: ap_balance { type: sum sql: ${TABLE}.ap_balance ;; value_format_name: decimal_2 }
  measure: cogs { type: sum sql: ${TABLE}.cogs ;; value_format_name: decimal_2 }
  measure: dso_days { description: "One company and period: AR / revenue × days" type: average sql: ${TABLE}.dso_days ;; value_format_name: decimal_1 }
  measure: dpo_days { description: "One company and period: AP / cost of sales × days" type: average sql: ${TABLE}.dpo_days ;; value_format_name: decimal_1 }
}

view: budget_vs_actual {
  sql_table_name: marts.budget_vs_actual ;;
  dimension: budget_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.budget_key ;; }
  dimension: account_key { hidden: yes type: string sql: ${TABLE}.account_key ;; }
  dimension: fiscal_period_key { hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: account_number { type: string sql: ${TABLE}.account_number ;; }
  dimension: account_description { type: string sql: ${TABLE}.account_description ;; }
  dimension: statement_line { type: string sql: ${TABLE}.statement_line ;; order_by_field: statement_sort_order }
  dimension: statement_sort_order { type: number sql: ${TABLE}.statement_sort_order ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
  dimension: has_budget { type: yesno sql: ${TABLE}.has_budget ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  measure: budget { description: "As income (revenue +, costs −)" type: sum sql: ${TABLE}.reported_budget_amount ;; value_format_name: decimal_2 }
  measure: actual { description: "As income (revenue +, costs −)" type: sum sql: ${TABLE}.reported_actual_amount ;; value_format_name: decimal_2 }
  measure: favourable_variance { description: "Actual better than budget when positive" type: sum sql: ${TABLE}.favourable_variance ;; value_format_name: decimal_2 }
}
