# Sage 300 finance model over the dbt marts (dbt_looker_model). The connection points at the warehouse
# Looker can reach (PostgreSQL, or MotherDuck's Postgres endpoint); the local DuckDB file is for dev/tests.
connection: "sage_looker_warehouse"

include: "/views/*.view.lkml"
include: "/dashboards/*.dashboard.lookml"

# Cache until the next Sage load lands: the loaders stamp every row with _loaded_at. Looker checks the
# trigger every 5 minutes; the Dagster glue can also trigger it through the API right after a load.
datagroup: sage300_load {
  sql_trigger: SELECT MAX(_loaded_at) FROM sage300.gl_posted_transactions ;;
  max_cache_age: "24 hours"
}

persist_with: sage300_load

explore: ap_aging {
  label: "AP aging"
  description: "Vendor aging per as-of date (document currency); filter one as-of date."
  join: dim_vendor {
    type: left_outer
    relationship: many_to_one
    sql_on: ${ap_aging.vendor_key} = ${dim_vendor.vendor_key} ;;
  }
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${ap_aging.company_id} = ${dim_company.company_id} ;;
  }
}

explore: fct_ap_open_items {
  label: "AP open items"
  join: dim_vendor {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ap_open_items.vendor_key} = ${dim_vendor.vendor_key} ;;
  }
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ap_open_items.company_id} = ${dim_company.company_id} ;;
  }
}

explore: ar_aging {
  label: "AR aging and collections"
  description: "Customer aging, credit limits and days to pay per as-of date (document currency)."
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${ar_aging.customer_key} = ${dim_customer.customer_key} ;;
  }
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${ar_aging.company_id} = ${dim_company.company_id} ;;
  }
}

explore: fct_ar_open_items {
  label: "AR open items"
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ar_open_items.customer_key} = ${dim_customer.customer_key} ;;
  }
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ar_open_items.company_id} = ${dim_company.company_id} ;;
  }
}

explore: cash_flow_forecast {
  label: "Cash-flow forecast"
  description: "13 Monday weeks plus beyond, per company and currency (document currency)."
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${cash_flow_forecast.company_id} = ${dim_company.company_id} ;;
  }
}

explore: gl_trial_balance {
  label: "Trial balance"
  join: dim_gl_account {
    type: left_outer
    relationship: many_to_one
    sql_on: ${gl_trial_balance.account_key} = ${dim_gl_account.account_key} ;;
  }
  join: dim_fiscal_period {
    type: left_outer
    relationship: many_to_one
    sql_on: ${gl_trial_balance.fiscal_period_key} = ${dim_fiscal_period.fiscal_period_key} ;;
  }
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${gl_trial_balance.company_id} = ${dim_company.company_id} ;;
  }
}

explore: fct_gl_posted_lines {
  label: "GL posted transactions"
  join: dim_gl_account {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_gl_posted_lines.account_key} = ${dim_gl_account.account_key} ;;
  }
  join: dim_fiscal_period {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_gl_posted_lines.fiscal_period_key} = ${dim_fiscal_period.fiscal_period_key} ;;
  }
}

explore: fct_oe_order_lines {
  label: "Order lines"
  join: dim_item {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_oe_order_lines.item_key} = ${dim_item.item_key} ;;
  }
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_oe_order_lines.customer_key} = ${dim_customer.customer_key} ;;
  }
}

explore: margin_by_product_line {
  label: "Margin by product line"
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${margin_by_product_line.company_id} = ${dim_company.company_id} ;;
  }
}

explore: inventory_turnover {
  label: "Inventory turnover"
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${inventory_turnover.company_id} = ${dim_company.company_id} ;;
  }
}

explore: fct_inventory_daily {
  label: "Inventory value by day"
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_inventory_daily.company_id} = ${dim_company.company_id} ;;
  }
}

explore: subledger_tie_out {
  label: "AR/AP tie-out to Sage"
  description: "Aging = Sage's party balances = AR/AP control accounts (+ pending GL batches), to the cent; a difference fails the load."
}

explore: fct_ar_open_instalments {
  label: "AR open instalments"
  description: "Open AR per payment-schedule line, aged on each instalment's due date."
}

explore: fct_ar_invoice_lines {
  label: "Invoiced sales"
  description: "AR invoice, debit and credit note lines: revenue and cost of goods sold in functional currency, by invoice date."
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ar_invoice_lines.customer_key} = ${dim_customer.customer_key} ;;
  }
}

explore: fin_statements {
  label: "Income statement and balance sheet"
  description: "By the seed's statement lines, per fiscal period, with the prior year's same period (functional currency)."
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fin_statements.company_id} = ${dim_company.company_id} ;;
  }
}

explore: working_capital_days {
  label: "DSO and DPO"
  description: "Days sales outstanding and days payables outstanding per fiscal period, from the GL (functional currency)."
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${working_capital_days.company_id} = ${dim_company.company_id} ;;
  }
}

explore: budget_vs_actual {
  label: "Budget vs actual"
  description: "Sage's budget fiscal set against the actual net change per account and fiscal period (functional currency)."
  join: dim_gl_account {
    type: left_outer
    relationship: many_to_one
    sql_on: ${budget_vs_actual.account_key} = ${dim_gl_account.account_key} ;;
  }
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    sql_on: ${budget_vs_actual.company_id} = ${dim_company.company_id} ;;
  }
}
