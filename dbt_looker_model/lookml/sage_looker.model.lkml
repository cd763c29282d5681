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

# Every explore over a per-company mart extends this one: the dim_company join is written once. `foreign_key`
# joins the base view's company_id to dim_company's primary key, so the join needs no explore name and
# resolves in whichever explore extends it; `extension: required` keeps the base itself out of the UI.
explore: company_base {
  extension: required
  join: dim_company {
    type: left_outer
    relationship: many_to_one
    foreign_key: company_id
  }
}

explore: ap_aging {
  extends: [company_base]
  label: "AP aging"
  description: "Vendor aging per as-of date (document currency); filter one as-of date."
  join: dim_vendor {
    type: left_outer
    relationship: many_to_one
    sql_on: ${ap_aging.vendor_key} = ${dim_vendor.vendor_key} ;;
  }
}

explore: fct_ap_open_items {
  extends: [company_base]
  label: "AP open items"
  description: "Open posted AP documents per as-of date with days past due and aging bucket (document currency, plus functional)."
  join: dim_vendor {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ap_open_items.vendor_key} = ${dim_vendor.vendor_key} ;;
  }
}

explore: ar_aging {
  extends: [company_base]
  label: "AR aging and collections"
  description: "Customer aging, credit limits and days to pay per as-of date (document currency)."
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${ar_aging.customer_key} = ${dim_customer.customer_key} ;;
  }
}

explore: fct_ar_open_items {
  extends: [company_base]
  label: "AR open items"
  description: "Open posted AR documents per as-of date with days past due and aging bucket (document currency, plus functional)."
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ar_open_items.customer_key} = ${dim_customer.customer_key} ;;
  }
}

explore: cash_flow_forecast {
  extends: [company_base]
  label: "Cash-flow forecast"
  description: "13 Monday weeks plus beyond, per company and currency (document currency)."
}

explore: gl_trial_balance {
  extends: [company_base]
  label: "Trial balance"
  description: "Opening balance, debits, credits and closing balance per account and fiscal period, from Sage's posted GL (functional currency)."
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
}

explore: fct_gl_posted_lines {
  extends: [company_base]
  label: "GL posted transactions"
  description: "Every posted GL transaction line with its account and fiscal period (functional currency)."
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
  extends: [company_base]
  label: "Order lines"
  description: "Order entry lines with item, customer, revenue, cost and quantity shipped (document currency)."
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
  extends: [company_base]
  label: "Margin by product line"
  description: "Invoiced revenue, cost and margin per company, month, currency and product line (document currency)."
}

explore: inventory_turnover {
  extends: [company_base]
  label: "Inventory turnover"
  description: "Cost of goods sold, average inventory value, turnover and days inventory outstanding per company, month and product line (functional currency)."
}

explore: fct_inventory_daily {
  extends: [company_base]
  label: "Inventory value by day"
  description: "Inventory quantity on hand and value per company, snapshot day and product line (functional currency)."
}

explore: subledger_tie_out {
  extends: [company_base]
  label: "AR/AP tie-out to Sage"
  description: "Aging = Sage's party balances = AR/AP control accounts (+ pending GL batches), to the cent; a difference fails the load."
}

explore: fct_ar_open_instalments {
  extends: [company_base]
  label: "AR open instalments"
  description: "Open AR per payment-schedule line, aged on each instalment's due date."
}

explore: fct_ar_invoice_lines {
  extends: [company_base]
  label: "Invoiced sales"
  description: "AR invoice, debit and credit note lines: revenue and cost of goods sold in functional currency, by invoice date."
  join: dim_customer {
    type: left_outer
    relationship: many_to_one
    sql_on: ${fct_ar_invoice_lines.customer_key} = ${dim_customer.customer_key} ;;
  }
}

explore: fin_statements {
  extends: [company_base]
  label: "Income statement and balance sheet"
  description: "By the seed's statement lines, per fiscal period, with the prior year's same period (functional currency)."
}

explore: working_capital_days {
  extends: [company_base]
  label: "DSO and DPO"
  description: "Days sales outstanding and days payables outstanding per fiscal period, from the GL (functional currency)."
}

explore: budget_vs_actual {
  extends: [company_base]
  label: "Budget vs actual"
  description: "Sage's budget fiscal set against the actual net change per account and fiscal period (functional currency)."
  join: dim_gl_account {
    type: left_outer
    relationship: many_to_one
    sql_on: ${budget_vs_actual.account_key} = ${dim_gl_account.account_key} ;;
  }
}
