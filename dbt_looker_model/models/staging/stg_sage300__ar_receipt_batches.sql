select
    company_id,
    batch_record_type,
    batch_number,
    batch_date,
    batch_status,
    {{ is_posted('batch_status') }} as is_posted,
    batch_type,
    description as batch_description,
    bank_code,
    default_bank_currency,
    deposit_number,
    deposit_date,
    posting_sequence_number,
    date_last_edited,
    cast(batch_total as decimal(19, 3)) as batch_total,
    _loaded_at
from {{ sage_source('ar_receipt_batches') }}
