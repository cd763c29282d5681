-- AR and AP tied out to Sage's own balances, per company and currency, for every as-of date D the loaded GL
-- covers (D on or after the company's first loaded GL journal date). Three figures that must agree to the
-- cent, in functional currency:
--   aging_balance      Σ of the aging (ar_aging/ap_aging functional_balance: documents, notes, unapplied cash);
--   party_balance      Σ customers'/vendors' BalanceDueInFunctionalCurrency (Sage's party master) — Sage keeps
--                      only today's, so it is compared (not null) on the dates on or after the ledger's last
--                      activity;
--   gl_control_balance the AR/AP control accounts (GLAccounts.ControlAccountSubledgers) in the GL fiscal sets:
--                      per company the Functional set (all currencies, currency_code null here); per currency
--                      the Equivalent set of that source currency (the functional amounts of its lines, which
--                      Sage keeps for multicurrency accounts); plus gl_pending: the control-account lines of
--                      the subledger's GL batches not yet posted in GL (Sage's usual reconciling item), per
--                      source currency on the currency rows.
-- The GL side is as of D on the aging's basis, the document date: today's balance less the posted control-account
-- lines whose journal entry's DocumentDate is after D (all in the loaded window, since an entry is posted on or
-- after its document date), and the unposted lines dated on or before D. Sage dates a subledger entry's GL
-- header with the document's (or the receipt's, adjustment's) date, so this is the aging's own cut-off.
-- AP balances are credits in the GL, so the GL side is negated for AP. control_accounts names the accounts.
-- Errors: assert_subledgers_tie_out (figures) and assert_party_balances_match_sage (the parties).
{%- set ledgers = [('AR', 'customer', 'ar_aging', 'stg_sage300__ar_customers', 'stg_sage300__ar_posted_documents', 1),
                   ('AP', 'vendor', 'ap_aging', 'stg_sage300__ap_vendors', 'stg_sage300__ap_posted_documents', -1)] %}
with control_accounts as (
    select company_id, unformatted_account as account_code, upper(trim(subledger_code)) as ledger
    from {{ sage_source('gl_account_control_subledgers') }}
),
control_account_list as (
    select company_id, ledger, string_agg(account_code, ', ' order by account_code) as control_accounts
    from control_accounts group by company_id, ledger
),
fiscal_sets as (
    -- set_currency: null for the Functional set (all currencies), the source currency for an Equivalent set
    select company_id, account_number as account_code, cast(fiscal_year as integer) as fiscal_year,
           case when lower(coalesce(currency_type, 'functional')) like 'f%' then null else currency_code end
               as set_currency,
           opening_balance {%- for n in range(1, 16) %} + net_period_{{ n }}{% endfor %} as closing_balance
    from {{ ref('stg_sage300__gl_account_fiscal_sets') }}
    where lower(fiscal_set_designator) in ('actuals', 'actual', 'a')
      and (lower(coalesce(currency_type, 'functional')) like 'f%' or lower(currency_type) like 'e%')
),
latest_year as (
    select company_id, account_code, set_currency, max(fiscal_year) as fiscal_year
    from fiscal_sets group by company_id, account_code, set_currency
),
gl_control as (
    select c.company_id, c.ledger, f.set_currency, sum(f.closing_balance) as balance
    from control_accounts as c
    inner join latest_year as y on y.company_id = c.company_id and y.account_code = c.account_code
    inner join fiscal_sets as f
        on f.company_id = y.company_id and f.account_code = y.account_code and f.fiscal_year = y.fiscal_year
       and f.set_currency is not distinct from y.set_currency
    group by c.company_id, c.ledger, f.set_currency
),
has_equivalent_sets as (
    select distinct c.company_id, c.ledger
    from control_accounts as c
    inner join fiscal_sets as f on f.company_id = c.company_id and f.account_code = c.account_code
    where f.set_currency is not null
),
as_of_dates as (
    -- gl_covered: the loaded GL holds every posted line dated after D (D on or after the first loaded journal date)
    select a.as_of_date, c.company_id, coalesce(a.as_of_date >= f.first_journal_date, false) as gl_covered
    from {{ ref('int_as_of_dates') }} as a
    cross join (select company_id from {{ ref('dim_company') }}) as c
    left join (select company_id, min(journal_date) as first_journal_date
               from {{ ref('fct_gl_posted_lines') }} group by company_id) as f on f.company_id = c.company_id
),
pending_lines as (
    select l.company_id, c.ledger, l.source_currency, e.document_date, cast(l.amount as decimal(19, 3)) as amount
    from {{ sage_source('gl_journal_lines') }} as l
    inner join {{ sage_source('gl_journal_batches') }} as b
        on b.company_id = l.company_id and b.batch_number = l.batch_number
    inner join {{ sage_source('gl_journal_entries') }} as e
        on e.company_id = l.company_id and e.batch_number = l.batch_number and e.entry_number = l.entry_number
    inner join control_accounts as c
        on c.company_id = l.company_id and c.account_code = l.account_number and upper(trim(b.source_ledger)) = c.ledger
    where not {{ is_posted('b.status') }}
),
posted_after as (
    -- posted control-account lines dated (by document date) after each as-of date
    select d.as_of_date, g.company_id, c.ledger, g.source_currency_code as source_currency, g.amount
    from as_of_dates as d
    inner join {{ ref('fct_gl_posted_lines') }} as g on g.company_id = d.company_id and g.document_date > d.as_of_date
    inner join control_accounts as c on c.company_id = g.company_id and c.account_code = g.account_code
),
pending_to as (
    select d.as_of_date, p.company_id, p.ledger, p.source_currency, p.amount
    from as_of_dates as d
    inner join pending_lines as p on p.company_id = d.company_id and p.document_date <= d.as_of_date
),
gl_moves as (
    -- per as-of date: what to take off today's posted balance, and the pending lines up to D; per currency and
    -- (source_currency null) per company
    select as_of_date, company_id, ledger, source_currency, sum(after_amount) as after_amount,
           sum(pending_amount) as pending_amount
    from (select as_of_date, company_id, ledger, source_currency, amount as after_amount,
                 cast(0 as decimal(19, 3)) as pending_amount from posted_after
          union all
          select as_of_date, company_id, ledger, source_currency, cast(0 as decimal(19, 3)), amount from pending_to) as m
    group by as_of_date, company_id, ledger, source_currency
    union all
    select as_of_date, company_id, ledger, cast(null as varchar), sum(after_amount), sum(pending_amount)
    from (select as_of_date, company_id, ledger, amount as after_amount,
                 cast(0 as decimal(19, 3)) as pending_amount from posted_after
          union all
          select as_of_date, company_id, ledger, cast(0 as decimal(19, 3)), amount from pending_to) as m
    group by as_of_date, company_id, ledger
),
{%- for ledger, party, aging, masters, posted, gl_sign in ledgers %}
{{ ledger | lower }}_current as (
    -- is_current: on or after the ledger's last activity (Sage's party balances apply; today's GL balance too);
    -- an earlier as-of date is checked against the GL when the loaded GL covers it
    select * from (
        select a.as_of_date, a.company_id, a.gl_covered, coalesce(a.as_of_date >= d.last_activity, false) as is_current
        from as_of_dates as a
        inner join (
            select company_id, max(case when last_activity_date > document_date then last_activity_date
                                        else document_date end) as last_activity
            from {{ ref(posted) }} group by company_id
        ) as d on d.company_id = a.company_id
    ) as x
    where is_current or gl_covered
),
{{ ledger | lower }}_rows as (
    -- per currency: aging vs the party master vs the control accounts' Equivalent sets of that currency
    -- (null, not checked, when Sage keeps no Equivalent sets: control accounts that are not multicurrency)
    select cur.as_of_date, cur.company_id, '{{ ledger }}' as ledger, p.currency_code,
           coalesce(a.aging_balance, 0) as aging_balance, case when cur.is_current then p.party_balance end as party_balance,
           case when he.company_id is not null and (cur.is_current or cur.gl_covered)
                then {{ gl_sign }} * (coalesce(g.balance, 0) - coalesce(mv.after_amount, 0)) end as gl_control_balance,
           {{ gl_sign }} * coalesce(mv.pending_amount, 0) as gl_pending
    from {{ ledger | lower }}_current as cur
    inner join (select company_id, currency_code, sum(balance_due_functional) as party_balance
                from {{ ref(masters) }} group by company_id, currency_code) as p on p.company_id = cur.company_id
    left join (select as_of_date, company_id, currency_code, sum(functional_balance) as aging_balance
               from {{ ref(aging) }} group by as_of_date, company_id, currency_code) as a
        on a.as_of_date = cur.as_of_date and a.company_id = cur.company_id and a.currency_code = p.currency_code
    left join has_equivalent_sets as he on he.company_id = cur.company_id and he.ledger = '{{ ledger }}'
    left join gl_control as g
        on g.company_id = cur.company_id and g.ledger = '{{ ledger }}' and g.set_currency = p.currency_code
    left join gl_moves as mv
        on mv.as_of_date = cur.as_of_date and mv.company_id = cur.company_id and mv.ledger = '{{ ledger }}'
       and mv.source_currency = p.currency_code
    union all
    -- per company: aging vs the party master vs the GL control accounts
    select cur.as_of_date, cur.company_id, '{{ ledger }}', cast(null as varchar),
           coalesce((select sum(x.functional_balance) from {{ ref(aging) }} as x
                     where x.as_of_date = cur.as_of_date and x.company_id = cur.company_id), 0),
           case when cur.is_current then coalesce((select sum(m.balance_due_functional) from {{ ref(masters) }} as m
                                                   where m.company_id = cur.company_id), 0) end,
           -- null (not checked) only when Sage declares no control account for the subledger
           case when (cur.is_current or cur.gl_covered)
                 and exists (select 1 from control_accounts as ca
                             where ca.company_id = cur.company_id and ca.ledger = '{{ ledger }}')
                then {{ gl_sign }} * (coalesce(g.balance, 0) - coalesce(mv.after_amount, 0)) end,
           {{ gl_sign }} * coalesce(mv.pending_amount, 0)
    from {{ ledger | lower }}_current as cur
    left join gl_control as g
        on g.company_id = cur.company_id and g.ledger = '{{ ledger }}' and g.set_currency is null
    left join gl_moves as mv
        on mv.as_of_date = cur.as_of_date and mv.company_id = cur.company_id and mv.ledger = '{{ ledger }}'
       and mv.source_currency is null
),
{%- endfor %}
all_rows as (
    select * from ar_rows
    union all
    select * from ap_rows
)
select
    {{ surrogate_key(['r.as_of_date', 'r.company_id', 'r.ledger', 'r.currency_code']) }} as tie_out_key,
    r.*,
    cl.control_accounts,
    r.aging_balance - r.party_balance as aging_vs_party_difference,
    case when r.gl_control_balance is null then null
         else r.aging_balance - (r.gl_control_balance + r.gl_pending) end as aging_vs_gl_difference,
    c.functional_currency,
    'functional' as currency_basis
from all_rows as r
left join control_account_list as cl on cl.company_id = r.company_id and cl.ledger = r.ledger
left join {{ ref('dim_company') }} as c on c.company_id = r.company_id
