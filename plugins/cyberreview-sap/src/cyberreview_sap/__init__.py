"""cyberreview-policy connector for SAP S/4HANA: purchase order items as records.

Reads purchase orders (``A_PurchaseOrder``) and their items
(``A_PurchaseOrderItem``) from S/4HANA's published OData v2 service
``API_PURCHASEORDER_PROCESS_SRV``, one canonical record of kind ``purchase``
per item (id ``PURCHASEORDER/ITEM``, e.g. ``4500000017/10``), incrementally by
the purchase order's ``LastChangeDateTime``; the supplier's name and country
from ``API_BUSINESS_PARTNER``.  Basic auth or OAuth 2.0 client credentials.
See the README.
"""

__version__ = "0.1.0"
