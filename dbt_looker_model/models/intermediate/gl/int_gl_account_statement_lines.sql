-- Every (account, statement-line range) match. dim_gl_account keeps the single match; the test
-- assert_gl_accounts_map_to_one_statement_line fails when an account has none or several.
{%- set seg = var('natural_account_segment', 1) %}
with accounts as (
    select
        company_id,
        account_code,
        coalesce(nullif(trim(segment_{{ seg }}), ''), account_code) as natural_account
    from {{ ref('stg_sage300__gl_accounts') }}
)
select
    a.company_id,
    a.account_code,
    a.natural_account,
    l.statement_line,
    l.statement,
    l.sort_order
from accounts as a
inner join {{ ref('gl_statement_lines') }} as l
    on lpad(a.natural_account, 20, '0') between lpad(l.account_from, 20, '0') and lpad(l.account_to, 20, '0')
