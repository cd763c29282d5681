{{ config(meta={'dagster': {'ref': {'name': 'int_gl_account_statement_lines'}}}) }}
-- Every GL account maps to exactly one statement line (seed gl_statement_lines): lists accounts with none or several.
select a.company_id, a.account_code, count(l.statement_line) as matches
from {{ ref('stg_sage300__gl_accounts') }} as a
left join {{ ref('int_gl_account_statement_lines') }} as l
    on l.company_id = a.company_id and l.account_code = a.account_code
group by a.company_id, a.account_code
having count(l.statement_line) <> 1
