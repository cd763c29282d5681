select
    company_id,
    batch_number,
    batch_date,
    batch_status,
    {{ is_posted('batch_status') }} as is_posted,
    batch_type,
    invoice_type,
    description as batch_description,
    source_application,
    number_of_entries,
    posting_sequence_number,
    date_last_edited,
    cast(batch_total as decimal(19, 3)) as batch_total,
    _loaded_at
from {{ sage_source('ap_invoice_batches') }}
