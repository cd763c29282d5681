{{ config(meta={'dagster': {'ref': {'name': 'subledger_tie_out'}}}) }}
-- Σ aging = Σ Sage's party balances = the AR/AP control accounts in the GL plus the subledger's GL batches not
-- yet posted, per company and per currency, to the cent. A row names the company, ledger, currency, the
-- control accounts and each figure; assert_party_balances_match_sage names the parties that differ.
select as_of_date, company_id, ledger, currency_code, control_accounts, aging_balance, party_balance,
       gl_control_balance, gl_pending, aging_vs_party_difference, aging_vs_gl_difference
from {{ ref('subledger_tie_out') }}
where aging_vs_party_difference <> 0 or coalesce(aging_vs_gl_difference, 0) <> 0
