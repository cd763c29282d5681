-- One row per company seen in any master table. Functional currency: the company profile when Sage serves
-- it, else the home currency of the posted GL, else var default_functional_currency (stated in *_source).
with companies as (
    select company_id from {{ ref('stg_sage300__ap_vendors') }}
    union select company_id from {{ ref('stg_sage300__ar_customers') }}
    union select company_id from {{ ref('stg_sage300__gl_accounts') }}
    union select company_id from {{ ref('stg_sage300__cs_fiscal_calendars') }}
    union select company_id from {{ ref('stg_sage300__cs_company_profile') }}
),
profile as (
    select company_id, max(company_name) as company_name, max(functional_currency) as functional_currency
    from {{ ref('stg_sage300__cs_company_profile') }}
    group by company_id
),
gl_home as (
    select company_id, min(home_currency_code) as home_currency
    from {{ ref('stg_sage300__gl_posted_transactions') }}
    where nullif(trim(home_currency_code), '') is not null
    group by company_id
)
select
    c.company_id,
    coalesce(p.company_name, c.company_id) as company_name,
    coalesce(p.functional_currency, g.home_currency, '{{ var("default_functional_currency", "USD") }}') as functional_currency,
    case when p.functional_currency is not null then 'company_profile'
         when g.home_currency is not null then 'gl_home_currency'
         else 'default' end as functional_currency_source
from companies as c
left join profile as p on p.company_id = c.company_id
left join gl_home as g on g.company_id = c.company_id
