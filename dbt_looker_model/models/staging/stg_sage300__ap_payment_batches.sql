select
    company_id,
    batch_selector,
    batch_number,
    batch_date,
    batch_status,
    {{ is_posted('batch_status') }} as is_posted,
    description as batch_description,
    bank_code,
    bank_currency_code,
    posting_sequence_number,
    date_last_edited,
    cast(batch_total as decimal(19, 3)) as batch_total,
    _loaded_at
from {{ sage_source('ap_payment_batches') }}
