# Order-entry margin (order currency, currency_basis = source) and inventory (functional currency).

view: fct_oe_order_lines {
  sql_table_name: marts.fct_oe_order_lines ;;
  dimension: order_line_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.order_line_key ;; }
  dimension: item_key { hidden: yes type: string sql: ${TABLE}.item_key ;; }
  dimension: customer_key { hidden: yes type: string sql: ${TABLE}.customer_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: order_number { type: string sql: ${TABLE}.order_number ;; }
  dimension: order_type { type: string sql: ${TABLE}.order_type ;; }
  dimension: line_kind { type: string sql: ${TABLE}.line_kind ;; }
  dimension: product_family { type: string sql: ${TABLE}.product_family ;; }
  dimension: product_line { type: string sql: ${TABLE}.product_line ;; }
  dimension: currency_code { type: string sql: ${TABLE}.currency_code ;; }
  dimension: is_sold { type: yesno sql: ${TABLE}.is_sold ;; }
  dimension_group: order { type: time timeframes: [raw, date, week, month, quarter, year] datatype: date convert_tz: no sql: ${TABLE}.order_date ;; }
  dimension: revenue { hidden: yes type: number sql: ${TABLE}.revenue ;; }
  dimension: cost { hidden: yes type: number sql: ${TABLE}.cost ;; }
  measure: total_revenue { type: sum sql: ${revenue} ;; filters: [is_sold: "yes"] value_format_name: decimal_2 }
  measure: total_cost { type: sum sql: ${cost} ;; filters: [is_sold: "yes"] value_format_name: decimal_2 }
  measure: total_margin { type: number sql: ${total_revenue} - ${total_cost} ;; value_format_name: decimal_2 }
  measure: quantity_shipped { type: sum sql: ${TABLE}.quantity_shipped ;; value_format_name: decimal_0 }
  measure: line_count { type: count }
}

view: margin_by_product_line {
  sql_table_name: marts.margin_by_product_line ;;
  dimension: margin_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.margin_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension: product_family { type: string sql: ${TABLE}.product_family ;; }
  dimension: product_line { type: string sql: ${TABLE}.product_line ;; }
  dimension: line_kind { type: string sql: ${TABLE}.line_kind ;; }
  dimension_group: invoice { type: time timeframes: [raw, month, quarter, year] datatype: date convert_tz: no sql: ${TABLE}.invoice_month ;; }
  measure: revenue { type: sum sql: ${TABLE}.revenue ;; value_format_name: decimal_2 }
  measure: cost { type: sum sql: ${TABLE}.cost ;; value_format_name: decimal_2 }
  measure: margin { type: sum sql: ${TABLE}.margin ;; value_format_name: decimal_2 }
  measure: margin_pct { type: number sql: CASE WHEN ${revenue} = 0 THEN NULL ELSE ${margin} / ${revenue} END ;; value_format_name: percent_1 }
  measure: document_count { type: sum sql: ${TABLE}.document_count ;; value_format_name: decimal_0 }
}

view: fct_inventory_daily {
  sql_table_name: marts.fct_inventory_daily ;;
  dimension: inventory_day_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.inventory_day_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: product_family { type: string sql: ${TABLE}.product_family ;; }
  dimension: product_line { type: string sql: ${TABLE}.product_line ;; }
  dimension_group: snapshot { type: time timeframes: [raw, date, week, month] datatype: date convert_tz: no sql: ${TABLE}.snapshot_date ;; }
  measure: inventory_value { description: "Functional currency; sum within one day" type: sum sql: ${TABLE}.inventory_value ;; value_format_name: decimal_2 }
  measure: quantity_on_hand { type: sum sql: ${TABLE}.quantity_on_hand ;; value_format_name: decimal_0 }
}

view: inventory_turnover {
  sql_table_name: marts.inventory_turnover ;;
  dimension: turnover_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.turnover_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: product_family { type: string sql: ${TABLE}.product_family ;; }
  dimension: product_line { type: string sql: ${TABLE}.product_line ;; }
  dimension: days_in_period { type: number sql: ${TABLE}.days_in_period ;; }
  dimension: snapshot_days { description: "Days of the month with a snapshot (missing days are missing, not zero)" type: number sql: ${TABLE}.snapshot_days ;; }
  dimension_group: period_start { type: time timeframes: [raw, month, quarter, year] datatype: date convert_tz: no sql: ${TABLE}.period_start ;; }
  measure: average_inventory_value { type: sum sql: ${TABLE}.average_inventory_value ;; value_format_name: decimal_2 }
  measure: cogs { type: sum sql: ${TABLE}.cogs ;; value_format_name: decimal_2 }
  measure: turnover { type: number sql: CASE WHEN ${average_inventory_value} = 0 THEN NULL ELSE ${cogs} / ${average_inventory_value} END ;; value_format_name: decimal_2 }
  measure: days_inventory_outstanding { type: number sql: CASE WHEN ${cogs} = 0 THEN NULL ELSE MAX(${TABLE}.days_in_period) * ${average_inventory_value} / ${cogs} END ;; value_format_name: decimal_1 }
}

view: fct_ar_invoice_lines {
  sql_table_name: marts.fct_ar_invoice_lines ;;
  dimension: invoice_line_key { primary_key: yes hidden: yes type: string sql: ${TABLE}.invoice_line_key ;; }
  dimension: customer_key { hidden: yes type: string sql: ${TABLE}.customer_key ;; }
  dimension: item_key { hidden: yes type: string sql: ${TABLE}.item_key ;; }
  dimension: company_id { type: string sql: ${TABLE}.company_id ;; }
  dimension: customer_number { type: string sql: ${TABLE}.customer_number ;; }
  dimension: document_number { type: string sql: ${TABLE}.document_number ;; }
  dimension: document_type { type: string sql: ${TABLE}.document_type ;; }
  dimension: item_number { type: string sql: ${TABLE}.item_number ;; }
  dimension: line_kind { type: string sql: ${TABLE}.line_kind ;; }
  dimension: product_family { type: string sql: ${TABLE}.product_family ;; }
  dimension: product_line { type: string sql: ${TABLE}.product_line ;; }
  dimension: functional_currency { type: string sql: ${TABLE}.functional_currency ;; }
  dimension: currency_basis { type: string sql: ${TABLE}.currency_basis ;; }
  dimension_group: invoice { type: time timeframes: [raw, date, week, month, quarter, year] datatype: date convert_tz: no sql: ${TABLE}.invoice_date ;; }
  measure: revenue { type: sum sql: ${TABLE}.revenue ;; value_format_name: decimal_2 }
  measure: cost { type: sum sql: ${TABLE}.cost ;; value_format_name: decimal_2 }
  measure: margin { type: number sql: ${revenue} - ${cost} ;; value_format_name: decimal_2 }
}
