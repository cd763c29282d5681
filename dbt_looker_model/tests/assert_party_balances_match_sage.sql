{{ config(meta={'dagster': {'ref': {'name': 'ar_aging'}}}) }}
-- Per customer / vendor, at every as-of date on or after the ledger's last activity: the aging's balance
-- (functional) equals Sage's BalanceDueInFunctionalCurrency. A row names the party and both amounts.
{%- for ledger, party, aging, masters in [('AR', 'customer', 'ar_aging', 'stg_sage300__ar_customers'),
                                          ('AP', 'vendor', 'ap_aging', 'stg_sage300__ap_vendors')] %}
select '{{ ledger }}' as ledger, t.as_of_date, m.company_id, m.{{ party }}_number as party_number,
       coalesce(a.balance, 0) as aging_balance, m.balance_due_functional as sage_balance,
       coalesce(a.balance, 0) - m.balance_due_functional as difference
from (select distinct as_of_date, company_id from {{ ref('subledger_tie_out') }}
      where ledger = '{{ ledger }}' and party_balance is not null) as t
inner join {{ ref(masters) }} as m on m.company_id = t.company_id
left join (select as_of_date, company_id, {{ party }}_number, sum(functional_balance) as balance
           from {{ ref(aging) }} group by as_of_date, company_id, {{ party }}_number) as a
    on a.as_of_date = t.as_of_date and a.company_id = m.company_id and a.{{ party }}_number = m.{{ party }}_number
where coalesce(a.balance, 0) <> coalesce(m.balance_due_functional, 0)
{% if not loop.last %}union all{% endif %}
{%- endfor %}
