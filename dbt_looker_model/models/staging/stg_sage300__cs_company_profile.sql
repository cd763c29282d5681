-- Optional resource: empty when Sage does not serve CSCompanyProfile (see macro sage_source).
select
    company_id,
    name as company_name,
    nullif(trim(functional_currency), '') as functional_currency,
    multicurrency,
    rate_type,
    _loaded_at
from {{ sage_source('cs_company_profile') }}
