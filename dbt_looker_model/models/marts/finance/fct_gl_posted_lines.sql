-- Posted GL detail with its account and fiscal period: the base of the trial balance. The largest table,
-- so incremental: a run with vars min_date/max_date (journal-date window, inclusive) deletes and re-inserts
-- only that window; without them every row is rebuilt. currency_basis: functional (Sage's home currency);
-- the source-currency amount is kept beside it.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_partition_window('journal_date') }}"
) }}
select
    {{ surrogate_key(['t.company_id', 't.account_number', 't.fiscal_year', 't.fiscal_period', 't.source_currency_code',
                      't.source_ledger_code', 't.source_type_code', 't.posting_sequence_number', 't.detail_count']) }} as gl_line_key,
    {{ surrogate_key(['t.company_id', 't.account_number']) }} as account_key,
    {{ surrogate_key(['t.company_id', 't.fiscal_year', 't.fiscal_period']) }} as fiscal_period_key,
    t.company_id,
    t.account_number as account_code,
    t.fiscal_year,
    t.fiscal_period,
    t.journal_date,
    t.document_date,
    t.source_ledger_code,
    t.source_type_code,
    t.posting_sequence_number,
    t.detail_count,
    t.batch_number,
    t.journal_entry_number,
    t.journal_transaction_number,
    t.description,
    t.reference,
    t.amount,
    case when t.amount > 0 then t.amount else cast(0 as decimal(19, 3)) end as debit_amount,
    case when t.amount < 0 then -t.amount else cast(0 as decimal(19, 3)) end as credit_amount,
    t.home_currency_code,
    t.source_currency_code,
    t.source_currency_amount,
    t.quantity,
    'functional' as currency_basis
from {{ ref('stg_sage300__gl_posted_transactions') }} as t
{% if is_incremental() %}
where {{ partition_window('t.journal_date') }}
{% endif %}
