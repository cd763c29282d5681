select
    company_id,
    batch_date,
    batch_record_type,
    batch_number,
    entry_number,
    line_number,
    customer_number,
    document_number,
    transaction_type,
    payment_number,
    document_date,
    cast(customer_receipt_amount as decimal(19, 3)) as applied_amount,
    cast(coalesce(customer_discount_amount_taken, 0) as decimal(19, 3)) as discount_taken,
    cast(document_amount_due as decimal(19, 3)) as document_amount_due,
    _loaded_at
from {{ sage_source('ar_receipt_applications') }}
