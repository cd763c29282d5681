# Dimensions (dbt schema `marts`). Keys are md5 surrogate keys, stable across loads and companies.

view: dim_company {
  sql_table_name: marts.dim_company ;;
  dimension: company_id { primary_key: yes type: string sql: ${TABLE}.company_id ;; }
  dimension: company_name { type: string sql: ${TABLE}.company_name ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension: functional_currency_source { type: string sql: ${TABLE}.functional_currency_source ;; }
}

view: dim_vendor {
  sql_table_name: marts.dim_vendor ;;
  dimension: vendor_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.vendor_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: vendor_number { type: string sql: ${TABLE}.vendor_number ;; }
  dimension: vendor_name { type: string sql: ${TABLE}.vendor_name ;; }
  dimension: group_code { type: string sql: ${TABLE}.group_code ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: terms { type: string sql: ${TABLE}.terms ;; }
  dimension: status { type: string sql: ${TABLE}.status ;; }
  dimension: on_hold { type: string sql: ${TABLE}.on_hold ;; }
  dimension: city { type: string sql: ${TABLE}.city ;; }
  dimension: country { type: string sql: ${TABLE}.country ;; }
  measure: vendor_count { type: count_distinct sql: ${vendor_key} ;; }
}

view: dim_customer {
  sql_table_name: marts.dim_customer ;;
  dimension: customer_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.customer_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: customer_number { type: string sql: ${TABLE}.customer_number ;; }
  dimension: customer_name { type: string sql: ${TABLE}.customer_name ;; }
  dimension: group_code { type: string sql: ${TABLE}.group_code ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: terms { type: string sql: ${TABLE}.terms ;; }
  dimension: territory_code { type: string sql: ${TABLE}.territory_code ;; }
  dimension: salesperson { type: string sql: ${TABLE}.salesperson ;; }
  dimension: status { type: string sql: ${TABLE}.status ;; }
  dimension: credit_limit {
    description: "Credit limit in the customer's currency"
    type: number
    sql: ${TABLE}.credit_limit ;;
    value_format_name: decimal_2
  }
  measure: customer_count { type: count_distinct sql: ${customer_key} ;; }
}

view: dim_gl_account {
  sql_table_name: marts.dim_gl_account ;;
  dimension: account_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.account_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: account_code { type: string sql: ${TABLE}.account_code ;; }
  dimension: account_number { type: string sql: ${TABLE}.account_number ;; }
  dimension: account_description { type: string sql: ${TABLE}.account_description ;; }
  dimension: account_type { type: string sql: ${TABLE}.account_type ;; }
  dimension: natural_account { type: string sql: ${TABLE}.natural_account ;; }
  dimension: cost_center_code { type: string sql: ${TABLE}.cost_center_code ;; }
  dimension: cost_center_name { type: string sql: ${TABLE}.cost_center_name ;; }
  dimension: profit_center_code { type: string sql: ${TABLE}.profit_center_code ;; }
  dimension: profit_center_name { type: string sql: ${TABLE}.profit_center_name ;; }
  dimension: statement_line { type: string sql: ${TABLE}.statement_line ;; order_by_field: statement_sort_order }
  dimension: statement_sort_order { hidden: yes type: number sql: ${TABLE}.statement_sort_order ;; }
  dimension: statement { type: string sql: ${TABLE}.statement ;; }
  dimension: balance_type { type: string sql: ${TABLE}.balance_type ;; }
}

view: dim_item {
  sql_table_name: marts.dim_item ;;
  dimension: item_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.item_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: item_number { type: string sql: ${TABLE}.item_number ;; }
  dimension: item_description { type: string sql: ${TABLE}.item_description ;; }
  dimension: category { type: string sql: ${TABLE}.category ;; }
  dimension: product_line { type: string sql: ${TABLE}.product_line ;; }
  dimension: product_family { type: string sql: ${TABLE}.product_family ;; }
  dimension: is_category_mapped { type: yesno sql: ${TABLE}.is_category_mapped ;; }
  dimension: average_cost { type: number sql: ${TABLE}.average_cost ;; value_format_name: decimal_4 }
}

view: dim_fiscal_period {
  sql_table_name: marts.dim_fiscal_period ;;
  dimension: fiscal_period_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.fiscal_period_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: fiscal_year { type: number sql: ${TABLE}.fiscal_year ;; value_format_name: id }
  dimension: fiscal_period { type: number sql: ${TABLE}.fiscal_period ;; }
  dimension: fiscal_period_label { type: string sql: ${TABLE}.fiscal_period_label ;; }
  dimension: is_adjustment_period { type: yesno sql: ${TABLE}.is_adjustment_period ;; }
  dimension_group: period_start {
    type: time
    timeframes: [raw, date, month, year]
    datatype: date
    convert_tz: no
    sql: ${TABLE}.period_start_date ;;
  }
  dimension_group: period_end {
    type: time
    timeframes: [raw, date, month, year]
    datatype: date
    convert_tz: no
    sql: ${TABLE}.period_end_date ;;
  }
}
