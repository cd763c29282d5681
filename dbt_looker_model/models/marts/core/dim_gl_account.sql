-- GL accounts with cost center / profit center (from a segment, via seed gl_segment_centers) and statement
-- line (natural-account ranges, via seed gl_statement_lines). balance_type decides carry-forward in the
-- trial balance: Sage's AccountType when it says so, else the statement of the matched line.
{%- set cc = var('cost_center_segment', 2) %}
{%- set pc = var('profit_center_segment', 3) %}
with accounts as (
    select * from {{ ref('stg_sage300__gl_accounts') }}
),
lines as (
    -- a single match per account is enforced by a test; max() keeps the dimension one row per account
    select company_id, account_code, max(natural_account) as natural_account, max(statement_line) as statement_line,
           max(statement) as statement, max(sort_order) as statement_sort_order, count(*) as matches
    from {{ ref('int_gl_account_statement_lines') }}
    group by company_id, account_code
),
centers as (
    select * from {{ ref('gl_segment_centers') }}
)
select
    {{ surrogate_key(['a.company_id', 'a.account_code']) }} as account_key,
    a.company_id,
    a.account_code,
    a.account_number,
    a.account_description,
    a.account_type,
    a.normal_balance,
    a.status,
    a.control_account,
    a.account_group_code,
    a.segment_1,
    a.segment_2,
    a.segment_3,
    a.segment_4,
    l.natural_account,
    cc.center_code as cost_center_code,
    cc.center_name as cost_center_name,
    pc.center_code as profit_center_code,
    pc.center_name as profit_center_name,
    l.statement_line,
    l.statement,
    l.statement_sort_order,
    case
        when lower(replace(a.account_type, ' ', '')) like 'income%' then 'income_statement'
        when lower(replace(a.account_type, ' ', '')) like 'balance%'
          or lower(replace(a.account_type, ' ', '')) like 'retained%' then 'balance_sheet'
        else l.statement
    end as balance_type
from accounts as a
left join lines as l
    on l.company_id = a.company_id and l.account_code = a.account_code
left join centers as cc
    on cc.center_type = 'cost_center' and cc.segment_number = {{ cc }} and cc.segment_code = a.segment_{{ cc }}
left join centers as pc
    on pc.center_type = 'profit_center' and pc.segment_number = {{ pc }} and pc.segment_code = a.segment_{{ pc }}
