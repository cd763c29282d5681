select
    company_id,
    batch_date,
    batch_selector,
    batch_number,
    entry_number,
    line_number,
    vendor_number,
    document_number,
    payment_type,
    payment_number,
    cast(payment_amount as decimal(19, 3)) as payment_amount,
    cast(coalesce(discount_amount, 0) as decimal(19, 3)) as discount_amount,
    _loaded_at
from {{ sage_source('ap_payment_applications') }}
