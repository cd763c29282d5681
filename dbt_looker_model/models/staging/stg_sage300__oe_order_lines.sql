-- `item` is the formatted item number (Sage OE names it `Item`); empty on miscellaneous-charge lines.
select
    company_id,
    order_date,
    order_uniquifier,
    line_number,
    line_type,
    nullif(trim(item), '') as item_number,
    description as line_description,
    location,
    unit_of_measure,
    nullif(trim(miscellaneous_charges_code), '') as miscellaneous_charges_code,
    cast(quantity_ordered as decimal(19, 4)) as quantity_ordered,
    cast(quantity_shipped as decimal(19, 4)) as quantity_shipped,
    cast(quantity_backordered as decimal(19, 4)) as quantity_backordered,
    cast(order_unit_price as decimal(19, 6)) as unit_price,
    cast(unit_cost as decimal(19, 6)) as unit_cost,
    cast(extended_amount as decimal(19, 3)) as extended_amount,
    _loaded_at
from {{ sage_source('oe_order_lines') }}
