-- AR adjustment GL distributions: distribution_amount is the signed change of the document the applied
-- line names (Sage's adjustment samples), posted against distribution_gl_account.
select
    company_id,
    batch_date,
    batch_record_type,
    batch_number,
    entry_number,
    line_number,
    sequence_number,
    transaction_type,
    distribution_code,
    distribution_gl_account,
    cast(distribution_amount as decimal(19, 3)) as distribution_amount,
    _loaded_at
from {{ sage_source('ar_adjustment_distributions') }}
