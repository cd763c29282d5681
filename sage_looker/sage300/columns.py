"""Column types and warehouse naming, shared by the catalog, the flattener and the warehouse.

Money and quantities are exact decimals end to end: Sage stores up to 3 decimals on amounts with up to
16 integer digits, so DECIMAL(19,3) holds every amount; quantities and unit costs carry 4 decimals,
unit prices and costs 6, exchange rates and percentages 7.
"""

from __future__ import annotations

import enum
import re

import pyarrow as pa


class ColumnType(enum.Enum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"
    QTY = "qty"
    RATE = "rate"
    # Unit prices and unit costs carry more decimals than amounts.
    PRICE = "price"
    DATE = "date"
    BOOL = "bool"
    # Fields Sage adds that the catalog does not know yet: numbers keep every digit Sage sent.
    NUMBER = "number"
    # Nested collections the catalog does not flatten are kept, losslessly, as JSON text.
    JSON = "json"

    @property
    def arrow(self) -> pa.DataType:
        return _ARROW[self]

    @property
    def sql(self) -> str:
        return _SQL[self]

    @property
    def is_decimal(self) -> bool:
        return self in (ColumnType.MONEY, ColumnType.QTY, ColumnType.RATE, ColumnType.PRICE, ColumnType.NUMBER)


_ARROW = {
    ColumnType.TEXT: pa.string(),
    ColumnType.INT: pa.int64(),
    ColumnType.MONEY: pa.decimal128(19, 3),
    ColumnType.QTY: pa.decimal128(19, 4),
    ColumnType.RATE: pa.decimal128(19, 7),
    ColumnType.PRICE: pa.decimal128(19, 6),
    ColumnType.NUMBER: pa.decimal128(38, 10),
    ColumnType.DATE: pa.date32(),
    ColumnType.BOOL: pa.bool_(),
    ColumnType.JSON: pa.string(),
}

_SQL = {
    ColumnType.TEXT: "VARCHAR",
    ColumnType.INT: "BIGINT",
    ColumnType.MONEY: "DECIMAL(19,3)",
    ColumnType.QTY: "DECIMAL(19,4)",
    ColumnType.RATE: "DECIMAL(19,7)",
    ColumnType.PRICE: "DECIMAL(19,6)",
    ColumnType.NUMBER: "DECIMAL(38,10)",
    ColumnType.DATE: "DATE",
    ColumnType.BOOL: "BOOLEAN",
    ColumnType.JSON: "VARCHAR",
}

COMPANY_COLUMN = "company_id"
# Lineage columns on every warehouse row (added by the loader, never by Sage).
LINEAGE_COLUMNS: dict[str, pa.DataType] = {
    "_run_id": pa.string(),
    "_loaded_at": pa.timestamp("us", tz="UTC"),
    "_source_url": pa.string(),
    "_record_hash": pa.string(),
}

_ACRONYM_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_UPPER = re.compile(r"([a-z])([A-Z])")
_LETTER_DIGIT = re.compile(r"([A-Za-z])(\d)")
_DIGIT_LETTER = re.compile(r"(\d)([A-Za-z])")


def snake(field: str) -> str:
    """Warehouse column name of a Sage field: `DocumentTotalIncludingTax` → `document_total_including_tax`,
    `GLAccount` → `gl_account`, `TaxAmount1` → `tax_amount_1`."""
    s = _ACRONYM_WORD.sub(r"\1_\2", field)
    s = _LOWER_UPPER.sub(r"\1_\2", s)
    s = _LETTER_DIGIT.sub(r"\1_\2", s)
    s = _DIGIT_LETTER.sub(r"\1_\2", s)
    return s.replace("__", "_").lower()
