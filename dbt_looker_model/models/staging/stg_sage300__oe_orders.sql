select
    company_id,
    order_uniquifier,
    order_number,
    order_type,
    customer_number,
    customer_group_code,
    order_reference,
    order_description,
    currency_code,
    nullif(trim(last_shipment_number), '') as last_shipment_number,
    nullif(trim(last_invoice_number), '') as last_invoice_number,
    order_date,
    expected_ship_date,
    cast(order_total as decimal(19, 3)) as order_total,
    _loaded_at
from {{ sage_source('oe_orders') }}
