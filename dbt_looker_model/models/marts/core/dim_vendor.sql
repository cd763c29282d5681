-- Vendors; vendor_key = md5(company_id|vendor_number) is stable across loads and unique across companies.
select
    {{ surrogate_key(['v.company_id', 'v.vendor_number']) }} as vendor_key,
    v.company_id,
    v.vendor_number,
    v.vendor_name,
    v.short_name,
    v.group_code,
    v.status,
    v.on_hold,
    v.currency_code,
    v.terms,
    v.account_set,
    v.city,
    v.state_province,
    v.country,
    v.contact_name,
    v.email,
    v.inactive_date,
    v.start_date,
    v.balance_due_vendor_currency,
    v.balance_due_functional,
    v._loaded_at
from {{ ref('stg_sage300__ap_vendors') }} as v
