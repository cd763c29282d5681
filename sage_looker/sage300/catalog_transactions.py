"""Catalog entries for transactions (partitioned by company × date). See `catalog.py` for how the catalog
is used."""

from __future__ import annotations

from sage_looker.sage300.catalog_model import Collection, Ref, Resource, cols

_VENDOR = Ref("VendorNumber", "ap_vendors", "VendorNumber")
_CUSTOMER = Ref("CustomerNumber", "ar_customers", "CustomerNumber")



def _adjustment_distributions(table: str, more_int: str = "") -> Collection:
    """Adjustment GL distributions of an applied line (Sage's adjustment samples): DistributionAmount is the
    signed change of the named document's balance, posted against DistributionGLAccount."""
    return Collection(
        field="AdjustmentGLDistributions", table=table, keys=("SequenceNumber",),
        columns=cols(int=f"SequenceNumber TransactionType {more_int}", text="DistributionCode DistributionGLAccount "
                     "BatchType", money="DistributionAmount"),
    )


# ---------------------------------------------------------------- transactions (company × date)

AP_INVOICE_BATCHES = Resource(
    module="AP", name="APInvoiceBatches", table="ap_invoice_batches", kind="transaction",
    keys=("BatchNumber",), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors",
        date="BatchDate DateLastEdited",
        text="Description BatchType BatchStatus InvoiceType SourceApplication BatchPrintedFlag ICTRelated",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="Invoices", table="ap_invoices", keys=("EntryNumber",), refs=(_VENDOR,),
            columns=cols(
                int="EntryNumber NumberOfDetails TaxClass1",
                text="VendorNumber VendorName DocumentNumber DocumentType TransactionType OrderNumber PONumber "
                "InvoiceDescription ApplytoDocument AccountSet FiscalYear FiscalPeriod CurrencyCode RateType "
                "Terms OnHold TaxGroup EnteredBy TaxAuthority1 APVersionCreatedIn",
                date="DocumentDate AsOfDate PostingDate RateDate DueDate DiscountDate",
                rate="ExchangeRate DiscountPercentage",
                money="DiscountAmountAvailable TaxTotal DocumentTotalBeforeTaxes DocumentTotalIncludingTax "
                "DistributedTotalBeforeTaxes DistributedTotalIncludingTax AmountDue FunctionalAmountDue TaxBase1 TaxAmount1 "
                "FunctionalDistributionWithTaxTotal",
                json="InvoiceOptionalFields",  # optional fields (user-defined), kept whole as JSON
            ),
            children=(
                Collection(
                    field="InvoiceDetails", table="ap_invoice_lines", keys=("LineNumber",),
                    refs=(Ref("GLAccount", "gl_accounts", "UnformattedAccount"),),
                    columns=cols(
                        int="LineNumber TaxClass1",
                        text="DistributionCode DistributionDescription GLAccount ItemNumber UnitOfMeasure Comment "
                        "Contract Project",
                        money="DistributedAmount DistributedAmountBeforeTaxes TaxTotal FunctionalDistributedAmount "
                        "GLDistributedAmount TaxAmount1",
                        qty="Quantity",
                        price="Cost",
                    ),
                ),
            ),
        ),
    ),
    description="AP invoice batches → invoices, debit and credit notes → distribution lines",
)

AR_INVOICE_BATCHES = Resource(
    module="AR", name="ARInvoiceBatches", table="ar_invoice_batches", kind="transaction",
    keys=("BatchNumber",), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors",
        date="BatchDate DateLastEdited",
        text="Description BatchType BatchStatus DefaultInvoiceType SourceApplication BatchPrintedFlag",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="Invoices", table="ar_invoices", keys=("EntryNumber",), refs=(_CUSTOMER,),
            columns=cols(
                int="EntryNumber NumberOfDetails",
                text="CustomerNumber DocumentNumber DocumentType TransactionType InvoiceType OrderNumber PONumber "
                "InvoiceDescription ApplytoDocument AccountSet FiscalYear FiscalPeriod CurrencyCode RateType Terms TaxGroup "
                "EnteredBy ShipmentNumber TaxAuthority1",
                date="DocumentDate AsOfDate PostingDate RateDate DueDate DiscountDate",
                rate="ExchangeRate DiscountPercentage",
                money="DiscountAmountAvailable TaxTotal DocumentTotalBeforeTax DocumentTotalIncludingTax AmountDue "
                "TaxAmount1 FunctionalAmountDue",
                json="InvoiceOptionalFields",  # optional fields (user-defined), kept whole as JSON
            ),
            children=(
                Collection(
                    field="InvoiceDetails", table="ar_invoice_lines", keys=("LineNumber",),
                    refs=(Ref("RevenueAccount", "gl_accounts", "UnformattedAccount"),),
                    columns=cols(
                        int="LineNumber TaxClass1",
                        text="ItemNumber DistributionCode Description UnitOfMeasure RevenueAccount InventoryAccount "
                        "COGSAccount",
                        qty="Quantity",
                        price="Price Cost",
                        money="ExtendedAmountWithTIP ExtendedAmountWithoutTIP TaxTotal COGSAmount TaxAmount1",
                    ),
                ),
                Collection(
                    field="InvoicePaymentSchedules", table="ar_invoice_payment_schedules",
                    keys=("PaymentNumber",),
                    columns=cols(int="PaymentNumber", date="DueDate DiscountDate", money="AmountDue DiscountAmount FunctionalAmountDue"),
                ),
            ),
        ),
    ),
    description="AR invoice batches → invoices, debit and credit notes → lines and payment schedules",
)

AR_RECEIPT_BATCHES = Resource(
    module="AR", name="ARReceiptAndAdjustmentBatches", table="ar_receipt_batches", kind="transaction",
    keys=("BatchRecordType", "BatchNumber"), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        text="BatchRecordType Description BatchType BatchStatus BankCode DefaultBankCurrency SourceApplication "
        "DepositSlipPrinted BankRateType",
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors DepositNumber",
        date="BatchDate DateLastEdited DepositDate",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="ReceiptsAdjustments", table="ar_receipts", keys=("EntryNumber",), refs=(_CUSTOMER,),
            columns=cols(
                int="EntryNumber",
                text="BatchType CustomerNumber CheckReceiptNumber EntryDescription EntryReference "
                "ReceiptTransactionType PaymentCode CustomerCurrencyCode FiscalYear FiscalPeriod DocumentNumber",
                date="ReceiptDateAdjustmentDate PostingDate",
                money="BankReceiptAmount CustomerReceiptAmount CustomerUnappliedAmount FunctionalReceiptAmount "
                "TotalCustomerAmountApplied",
                rate="CustomerExchangeRate",
            ),
            children=(
                Collection(
                    field="AppliedReceiptsAdjustments", table="ar_receipt_applications", keys=("LineNumber",),
                    refs=(_CUSTOMER,),
                    columns=cols(
                        int="LineNumber PaymentNumber",
                        text="CustomerNumber DocumentNumber TransactionType Description Reference BatchType",
                        money="CustomerReceiptAmount CustomerDiscountAmountTaken DocumentAmountDue",
                        date="DocumentDate",
                    ),
                    children=(_adjustment_distributions("ar_adjustment_distributions"),),
                ),
            ),
        ),
    ),
    description="AR receipt and adjustment batches → receipts → applications to invoices",
)

AP_PAYMENT_BATCHES = Resource(
    module="AP", name="APPaymentAndAdjustmentBatches", table="ap_payment_batches", kind="transaction",
    keys=("BatchSelector", "BatchNumber"), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        text="BatchSelector Description BatchStatus BankCode BankCurrencyCode SourceApplication ProcessCommandCode",
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors",
        date="BatchDate DateLastEdited",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="PaymentsAdjustments", table="ap_payments", keys=("EntryNumber",), refs=(_VENDOR,),
            columns=cols(
                int="EntryNumber",
                text="BatchType CheckNumber VendorNumber EntryDescription VendorPayeeName PaymentTransactionType "
                "EntryReference PaymentCode VendorCurrencyCode FiscalYear FiscalPeriod CheckPrintRequired",
                date="PaymentDateAdjustmentDate PostingDate",
                money="CheckAmountInBankCurrency CheckAmountInVendorCurrency FunctionalPaymentAmount "
                "TotalPrepayVendorCurrency",
            ),
            children=(
                Collection(
                    field="AppliedPayments", table="ap_payment_applications", keys=("LineNumber",),
                    refs=(_VENDOR,),
                    columns=cols(
                        int="LineNumber PaymentNumber",
                        text="VendorNumber PaymentType DocumentNumber BatchType",
                        money="PaymentAmount DiscountAmount",
                        date="DocumentDate",
                    ),
                    children=(_adjustment_distributions("ap_adjustment_distributions", "DocumentLineNumber"),),
                ),
            ),
        ),
    ),
    description="AP payment and adjustment batches → payments → applications to invoices",
)

GL_JOURNAL_BATCHES = Resource(
    module="GL", name="GLJournalBatches", table="gl_journal_batches", kind="transaction",
    # GL batches have no batch date; the creation date is the top-level filterable date.
    keys=("BatchNumber",), partition_date="DateCreated", change_field="DateLastEdited",
    status_field="Status",
    columns=cols(
        text="BatchNumber ActiveSwitch Description SourceLedger JournalBatchType Status Printed ReadyToPost "
        "OriginalStatus LockBatchSwitch",
        int="PostingSequence NumberOfEntries NumberOfErrors",
        date="DateCreated DateLastEdited",
        money="Debits Credits",
    ),
    children=(
        Collection(
            field="JournalHeaders", table="gl_journal_entries", keys=("EntryNumber",),
            columns=cols(
                text="EntryNumber Originator SourceLedger SourceType FiscalYear FiscalPeriod AutoReversal "
                "Description EnteredBy DocumentNumber CustomerVendorNumber",
                int="NumberOfDetails",
                money="Debits Credits",
                date="PostingDate DocumentDate",
            ),
            children=(
                Collection(
                    field="JournalDetails", table="gl_journal_lines", keys=("TransactionNumber",),
                    refs=(Ref("AccountNumber", "gl_accounts", "UnformattedAccount"),),
                    columns=cols(
                        text="TransactionNumber AccountNumber HomeCurrency SourceCurrency Description Reference "
                        "SourceLedger SourceType Comment AcctDescription",
                        money="Amount SourceCurrencyAmount",
                        qty="Quantity",
                        rate="CurrencyRate",
                        date="CurrencyRateDate JournalDate",
                        json="JournalDetailOptionalFields",  # optional fields (user-defined), kept whole as JSON
                    ),
                ),
            ),
        ),
    ),
    description="GL journal batches → entries → lines (amounts signed: debit +, credit −)",
)

GL_POSTED_TRANSACTIONS = Resource(
    module="GL", name="GLPostedTransactions", table="gl_posted_transactions", kind="transaction",
    keys=("AccountNumber", "FiscalYear", "FiscalPeriod", "SourceCurrencyCode", "SourceLedgerCode",
          "SourceTypeCode", "PostingSequenceNumber", "DetailCount"),
    # Posted GL has no edit date; the posting sequence only grows, so it marks what is new.
    partition_date="JournalDate", change_field="PostingSequenceNumber", change_kind="sequence",
    refs=(Ref("AccountNumber", "gl_accounts", "UnformattedAccount"),),
    columns=cols(
        text="AccountNumber FiscalYear FiscalPeriod SourceCurrencyCode SourceLedgerCode SourceTypeCode "
        "BatchNumber JournalEntryNumber JournalDetailDescription JournalDetailReference HomeCurrencyCode",
        int="PostingSequenceNumber DetailCount JournalTransactionNumber",
        date="JournalDate DocumentDate",
        money="JournalTransactionAmount SourceCurrencyAmount ReportCurrencyAmount",
        qty="JournalTransactionQuantity",
    ),
    description="Posted GL transactions (the ledger the trial balance is built from)",
)

PO_PURCHASE_ORDERS = Resource(
    module="PO", name="POPurchaseOrders", table="po_purchase_orders", kind="transaction",
    keys=("PurchaseOrderSequenceKey",), partition_date="PurchaseOrderDate", change_field=None,
    refs=(Ref("Vendor", "ap_vendors", "VendorNumber"),),
    columns=cols(
        int="PurchaseOrderSequenceKey",
        text="PurchaseOrderNumber Vendor VendorName Description Reference Comment CurrencyCode Status "
        "PurchaseOrderType",
        date="PurchaseOrderDate ExpectedArrivalDate",
        money="ExtendedCost",
    ),
    children=(
        Collection(
            field="PurchaseOrderLines", table="po_purchase_order_lines", keys=("LineNumber",),
            refs=(Ref("ItemNumber", "ic_items", "ItemNumber"),),
            columns=cols(
                int="LineNumber",
                text="ItemNumber ItemDescription Location UnitOfMeasure",
                qty="QuantityOrdered QuantityReceived",
                price="UnitCost",
                money="ExtendedCost",
            ),
        ),
    ),
    description="Purchase orders → lines",
)

OE_ORDERS = Resource(
    module="OE", name="OEOrders", table="oe_orders", kind="transaction",
    keys=("OrderUniquifier",), partition_date="OrderDate", change_field=None,
    refs=(_CUSTOMER,),
    columns=cols(
        int="OrderUniquifier",
        text="OrderNumber OrderType CustomerNumber CustomerGroupCode OrderReference OrderDescription "
        "OrderComment ShipToName CurrencyCode LastShipmentNumber LastInvoiceNumber",
        date="OrderDate ExpectedShipDate",
        money="OrderTotal",
        bool="InvoiceWillBeProduced",
        json="OrderOptionalFields",  # optional fields (user-defined), kept whole as JSON
    ),
    children=(
        Collection(
            field="OrderDetails", table="oe_order_lines", keys=("LineNumber",),
            # Miscellaneous-charge lines carry no item; the check skips empty references.
            refs=(Ref("Item", "ic_items", "ItemNumber"),),
            columns=cols(
                int="LineNumber",
                text="LineType Item Description Location UnitOfMeasure MiscellaneousChargesCode",
                qty="QuantityOrdered QuantityShipped QuantityBackordered",
                price="OrderUnitPrice UnitCost",
                money="ExtendedAmount",
                json="OrderDetailOptionalFields",  # optional fields (user-defined), kept whole as JSON
            ),
        ),
    ),
    description="Sales orders → lines (revenue and cost for margin)",
)
