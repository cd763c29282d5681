-- One row per as-of date the open-item marts are computed for (vars as_of_dates / as_of_date, else today).
{{ config(materialized='table') }}
{{ as_of_dates_sql() }}
