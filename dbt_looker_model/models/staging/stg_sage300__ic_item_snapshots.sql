select
    company_id,
    snapshot_date,
    unformatted_item_number,
    coalesce(nullif(trim(item_number), ''), unformatted_item_number) as item_number,
    category,
    cast(quantity_on_hand as decimal(19, 4)) as quantity_on_hand,
    cast(quantity_available as decimal(19, 4)) as quantity_available,
    cast(quantity_committed as decimal(19, 4)) as quantity_committed,
    cast(average_cost as decimal(19, 6)) as average_cost,
    _loaded_at
from {{ sage_source('ic_item_snapshots') }}
