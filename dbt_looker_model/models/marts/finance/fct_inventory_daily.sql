-- Inventory value per company, snapshot day and product line = Σ quantity on hand × average cost, from the
-- daily item snapshots (the product line from the category captured that day). A day without a snapshot
-- has no row: missing, not zero. currency_basis: functional (IC costs are kept in the functional currency).
select
    {{ surrogate_key(['s.company_id', 's.snapshot_date', 'coalesce(h.product_family, \'Unmapped\')', 'coalesce(h.product_line, \'Unmapped\')']) }} as inventory_day_key,
    s.company_id,
    s.snapshot_date,
    coalesce(h.product_family, 'Unmapped') as product_family,
    coalesce(h.product_line, 'Unmapped') as product_line,
    sum(s.quantity_on_hand) as quantity_on_hand,
    sum(coalesce(s.quantity_on_hand * s.average_cost, 0)) as inventory_value,
    count(*) as item_count,
    'functional' as currency_basis
from {{ ref('stg_sage300__ic_item_snapshots') }} as s
left join {{ ref('item_category_hierarchy') }} as h on h.category = s.category
group by s.company_id, s.snapshot_date, coalesce(h.product_family, 'Unmapped'), coalesce(h.product_line, 'Unmapped')
