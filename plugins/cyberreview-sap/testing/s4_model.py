"""The services the local S/4HANA offers: a faithful subset of SAP's published EDMX.

Entity types, their keys, the properties kept (names, ``Edm`` types, lengths,
precision and scale, ``sap:`` labels and formats) and the navigation properties
are those of SAP's published ``$metadata`` for ``API_PURCHASEORDER_PROCESS_SRV``
and ``API_BUSINESS_PARTNER`` (the SAP Business Accelerator Hub's, as imported into
CAP projects' ``srv/external/*.edmx``; see ``testing/README.md``), fewer of
them: what a reader of purchase order items uses, and a few it does not.
Written here, not copied; association names are this file's (SAP's are hashes).

The ``YY1_`` properties are not SAP's: they are East Grid Power's custom fields,
added as the *Custom Fields* app adds them to the purchasing document item
(business context suffix ``_PDI``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

EDMX = "http://schemas.microsoft.com/ado/2007/06/edmx"
EDM = "http://schemas.microsoft.com/ado/2008/09/edm"
M = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
SAP = "http://www.sap.com/Protocols/SAPData"


@dataclass(frozen=True)
class Prop:
    name: str
    type: str  # Edm.String, Edm.Decimal, Edm.DateTime, Edm.DateTimeOffset, Edm.Boolean
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    label: str | None = None
    display: str | None = None  # sap:display-format: UpperCase, NonNegative, Date
    unit: str | None = None  # sap:unit: the property holding the unit or currency
    semantics: str | None = None  # sap:semantics: currency-code, unit-of-measure
    filterable: bool = True


@dataclass(frozen=True)
class Nav:
    name: str
    target: str  # entity type name
    many: bool
    association: str


@dataclass
class EntityType:
    name: str
    keys: list[str]
    props: dict[str, Prop]
    navs: dict[str, Nav] = field(default_factory=dict)
    label: str | None = None


@dataclass
class Service:
    name: str
    types: dict[str, EntityType]
    sets: dict[str, str]  # entity set -> entity type

    def type_of(self, entity_set: str) -> EntityType:
        return self.types[self.sets[entity_set]]

    def set_of(self, type_name: str) -> str:
        return next(s for s, t in self.sets.items() if t == type_name)


def S(
    name: str, length: int, label: str, display: str | None = "UpperCase", **more: object
) -> Prop:
    return Prop(name, "Edm.String", max_length=length, label=label, display=display, **more)  # type: ignore[arg-type]


def D(name: str, precision: int, scale: int, label: str, unit: str | None = None) -> Prop:
    return Prop(name, "Edm.Decimal", precision=precision, scale=scale, label=label, unit=unit)


def DATE(name: str, label: str) -> Prop:
    return Prop(name, "Edm.DateTime", precision=0, label=label, display="Date")


def B(name: str, label: str, display: str | None = None) -> Prop:
    return Prop(name, "Edm.Boolean", label=label, display=display)


def _type(name: str, keys: list[str], props: list[Prop], navs: list[Nav], label: str) -> EntityType:
    return EntityType(name, keys, {p.name: p for p in props}, {n.name: n for n in navs}, label)


PO_HEADER = _type(
    "A_PurchaseOrderType",
    ["PurchaseOrder"],
    [
        S("PurchaseOrder", 10, "Purchase Order", nullable=False),
        S("CompanyCode", 4, "Company Code"),
        S("PurchaseOrderType", 4, "Purchasing Doc. Type"),
        S("PurchasingDocumentDeletionCode", 1, "Deletion Code"),
        S("PurchasingProcessingStatus", 2, "Proc. State"),
        S("CreatedByUser", 12, "Created By"),
        DATE("CreationDate", "Created On"),
        Prop("LastChangeDateTime", "Edm.DateTimeOffset", precision=7, label="Last Changed"),
        S("Supplier", 10, "Supplier"),
        S("Language", 2, "Language Key", display=None),
        S("PaymentTerms", 4, "Payment Terms"),
        S("PurchasingOrganization", 4, "Purch. Organization"),
        S("PurchasingGroup", 3, "Purchasing Group"),
        DATE("PurchaseOrderDate", "Purchase Order Date"),
        S("DocumentCurrency", 5, "Currency", semantics="currency-code"),
        Prop("ExchangeRate", "Edm.String", max_length=12),
        B("ReleaseIsNotCompleted", "Subject to Release"),
        S("AddressCountry", 3, "Country/Region Key"),
    ],
    [
        Nav("to_PurchaseOrderItem", "A_PurchaseOrderItemType", True, "assoc_PurchaseOrderItem"),
    ],
    "Purchase Order",
)

PO_ITEM = _type(
    "A_PurchaseOrderItemType",
    ["PurchaseOrder", "PurchaseOrderItem"],
    [
        S("PurchaseOrder", 10, "Purchase Order", nullable=False),
        S("PurchaseOrderItem", 5, "Purchase Order Item", display="NonNegative", nullable=False),
        S("PurchasingDocumentDeletionCode", 1, "Deletion Indicator"),
        S("PurchaseOrderItemText", 40, "Short Text", display=None),
        S("Plant", 4, "Plant"),
        S("StorageLocation", 4, "Storage Location"),
        S("MaterialGroup", 9, "Material Group"),
        S("SupplierMaterialNumber", 35, "Supplier Mat. No."),
        D("OrderQuantity", 13, 3, "Order Quantity", unit="PurchaseOrderQuantityUnit"),
        S("PurchaseOrderQuantityUnit", 3, "Order Unit", display=None, semantics="unit-of-measure"),
        S("OrderPriceUnit", 3, "Order Price Unit", display=None, semantics="unit-of-measure"),
        D("OrderPriceUnitToOrderUnitNmrtr", 5, 0, "Quantity Conversion"),
        D("OrdPriceUnitToOrderUnitDnmntr", 5, 0, "Quantity Conversion"),
        S("DocumentCurrency", 5, "Currency", semantics="currency-code"),
        D("NetPriceAmount", 12, 3, "Net Order Price", unit="DocumentCurrency"),
        D("NetPriceQuantity", 5, 0, "Price Unit", unit="OrderPriceUnit"),
        S("TaxCode", 2, "Tax Code"),
        B("IsCompletelyDelivered", "Delivery Completed"),
        B("IsFinallyInvoiced", "Final Invoice"),
        S("PurchaseOrderItemCategory", 1, "Item Category"),
        S("AccountAssignmentCategory", 1, "Acct Assignment Cat."),
        S("PurchaseRequisition", 10, "Purchase Requisition"),
        S("PurchaseRequisitionItem", 5, "Item of requisition", display="NonNegative"),
        S("Material", 40, "Material"),
        S("ManufacturerMaterial", 40, "Material"),
        S("ProductType", 2, "Product Type Group"),
        # East Grid Power's custom fields (Custom Fields app, purchasing document item)
        S("YY1_NatSecImpact_PDI", 1, "Natl Security Impact"),
        S("YY1_CIISystem_PDI", 40, "CII System", display=None),
        S("YY1_ReviewStatus_PDI", 3, "Cybersec Review"),
    ],
    [
        Nav("to_PurchaseOrder", "A_PurchaseOrderType", False, "assoc_PurchaseOrderItem"),
    ],
    "Item",
)

PO_SERVICE = Service(
    "API_PURCHASEORDER_PROCESS_SRV",
    {t.name: t for t in (PO_HEADER, PO_ITEM)},
    {"A_PurchaseOrder": PO_HEADER.name, "A_PurchaseOrderItem": PO_ITEM.name},
)

BP = _type(
    "A_BusinessPartnerType",
    ["BusinessPartner"],
    [
        S("BusinessPartner", 10, "Business Partner", nullable=False),
        S("Customer", 10, "Customer"),
        S("Supplier", 10, "Supplier"),
        S("BusinessPartnerCategory", 1, "BP Category"),
        Prop("BusinessPartnerFullName", "Edm.String", max_length=81),
        Prop("BusinessPartnerName", "Edm.String", max_length=81),
        S("OrganizationBPName1", 40, "Name 1", display=None),
        B("BusinessPartnerIsBlocked", "Central Block", "UpperCase"),
        DATE("CreationDate", "Created on"),
    ],
    [
        Nav("to_BusinessPartnerAddress", "A_BusinessPartnerAddressType", True, "assoc_BPAddress"),
        Nav("to_Supplier", "A_SupplierType", False, "assoc_BPSupplier"),
    ],
    "Business Partner",
)
BP_ADDRESS = _type(
    "A_BusinessPartnerAddressType",
    ["BusinessPartner", "AddressID"],
    [
        S("BusinessPartner", 10, "Business Partner", nullable=False),
        S("AddressID", 10, "Address Number", nullable=False),
        Prop("ValidityStartDate", "Edm.DateTimeOffset", precision=0, label="Valid From"),
        Prop("ValidityEndDate", "Edm.DateTimeOffset", precision=0, label="Valid To"),
        S("CityName", 40, "City", display=None),
        S("Country", 3, "Country/Region Key"),
        S("Region", 3, "Region"),
        S("StreetName", 60, "Street", display=None),
        S("PostalCode", 10, "Postal Code"),
    ],
    [Nav("to_AddressUsage", "A_BuPaAddressUsageType", True, "assoc_BPAddressUsage")],
    "BP Address",
)
BP_USAGE = _type(
    "A_BuPaAddressUsageType",
    ["BusinessPartner", "ValidityEndDate", "AddressUsage", "AddressID"],
    [
        S("BusinessPartner", 10, "Business Partner", nullable=False),
        Prop(
            "ValidityEndDate", "Edm.DateTimeOffset", precision=0, nullable=False, label="Valid To"
        ),
        S("AddressUsage", 10, "Address Type", nullable=False),
        S("AddressID", 10, "Address Number", nullable=False),
        Prop("ValidityStartDate", "Edm.DateTimeOffset", precision=0, label="Valid From"),
        B("StandardUsage", "Standard Usage", "UpperCase"),
    ],
    [],
    "Address Usage",
)
SUPPLIER = _type(
    "A_SupplierType",
    ["Supplier"],
    [
        S("Supplier", 10, "Supplier", nullable=False),
        S("SupplierName", 80, "Name of Supplier", display=None),
        S("SupplierFullName", 220, "Supplier Name"),
        S("SupplierAccountGroup", 4, "Account Group"),
        B("PurchasingIsBlocked", "Purch. block", "UpperCase"),
        B("DeletionIndicator", "Deletion flag", "UpperCase"),
        DATE("CreationDate", "Created on"),
    ],
    [],
    "Supplier",
)
BP_SERVICE = Service(
    "API_BUSINESS_PARTNER",
    {t.name: t for t in (BP, BP_ADDRESS, BP_USAGE, SUPPLIER)},
    {
        "A_BusinessPartner": BP.name,
        "A_BusinessPartnerAddress": BP_ADDRESS.name,
        "A_BuPaAddressUsage": BP_USAGE.name,
        "A_Supplier": SUPPLIER.name,
    },
)
SERVICES = {s.name: s for s in (PO_SERVICE, BP_SERVICE)}


# -- $metadata -------------------------------------------------------------------------


def _prop_attrs(prop: Prop) -> dict[str, str]:
    attrs = {"Name": prop.name, "Type": prop.type}
    if not prop.nullable:
        attrs["Nullable"] = "false"
    for key, value in (
        ("MaxLength", prop.max_length),
        ("Precision", prop.precision),
        ("Scale", prop.scale),
    ):
        if value is not None:
            attrs[key] = str(value)
    for key, value in (
        ("unit", prop.unit),
        ("label", prop.label),
        ("display-format", prop.display),
        ("semantics", prop.semantics),
    ):
        if value is not None:
            attrs[f"{{{SAP}}}{key}"] = value
    if not prop.filterable:
        attrs[f"{{{SAP}}}filterable"] = "false"
    return attrs


def metadata(service: Service) -> bytes:
    """The service's ``$metadata`` document (EDMX 1.0, OData 2.0), as SAP Gateway writes it."""
    ET.register_namespace("edmx", EDMX)
    ET.register_namespace("m", M)
    ET.register_namespace("sap", SAP)
    ET.register_namespace("", EDM)
    root = ET.Element(f"{{{EDMX}}}Edmx", {"Version": "1.0"})
    data = ET.SubElement(root, f"{{{EDMX}}}DataServices", {f"{{{M}}}DataServiceVersion": "2.0"})
    schema = ET.SubElement(
        data,
        f"{{{EDM}}}Schema",
        {
            "Namespace": service.name,
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            f"{{{SAP}}}schema-version": "1",
        },
    )
    associations: dict[str, tuple[EntityType, Nav]] = {}
    for entity in service.types.values():
        node = ET.SubElement(
            schema,
            f"{{{EDM}}}EntityType",
            {
                "Name": entity.name,
                f"{{{SAP}}}label": entity.label or entity.name,
                f"{{{SAP}}}content-version": "1",
            },
        )
        key = ET.SubElement(node, f"{{{EDM}}}Key")
        for name in entity.keys:
            ET.SubElement(key, f"{{{EDM}}}PropertyRef", {"Name": name})
        for prop in entity.props.values():
            ET.SubElement(node, f"{{{EDM}}}Property", _prop_attrs(prop))
        for nav in entity.navs.values():
            principal = nav.association not in associations
            if principal:
                associations[nav.association] = (entity, nav)
            ET.SubElement(
                node,
                f"{{{EDM}}}NavigationProperty",
                {
                    "Name": nav.name,
                    "Relationship": f"{service.name}.{nav.association}",
                    "FromRole": f"{'From' if principal else 'To'}Role_{nav.association}",
                    "ToRole": f"{'To' if principal else 'From'}Role_{nav.association}",
                },
            )
    for name, (source, nav) in associations.items():
        target = service.types[nav.target]
        node = ET.SubElement(
            schema, f"{{{EDM}}}Association", {"Name": name, f"{{{SAP}}}content-version": "1"}
        )
        ET.SubElement(
            node,
            f"{{{EDM}}}End",
            {
                "Type": f"{service.name}.{source.name}",
                "Multiplicity": "1",
                "Role": f"FromRole_{name}",
            },
        )
        ET.SubElement(
            node,
            f"{{{EDM}}}End",
            {
                "Type": f"{service.name}.{target.name}",
                "Multiplicity": "*" if nav.many else "1",
                "Role": f"ToRole_{name}",
            },
        )
        shared = [k for k in source.keys if k in target.props]
        if nav.many and shared:
            rc = ET.SubElement(node, f"{{{EDM}}}ReferentialConstraint")
            principal = ET.SubElement(rc, f"{{{EDM}}}Principal", {"Role": f"FromRole_{name}"})
            dependent = ET.SubElement(rc, f"{{{EDM}}}Dependent", {"Role": f"ToRole_{name}"})
            for k in shared:
                ET.SubElement(principal, f"{{{EDM}}}PropertyRef", {"Name": k})
                ET.SubElement(dependent, f"{{{EDM}}}PropertyRef", {"Name": k})
    container = ET.SubElement(
        schema,
        f"{{{EDM}}}EntityContainer",
        {
            "Name": f"{service.name}_Entities",
            f"{{{M}}}IsDefaultEntityContainer": "true",
            f"{{{SAP}}}supported-formats": "atom json xlsx",
        },
    )
    for set_name, type_name in service.sets.items():
        ET.SubElement(
            container,
            f"{{{EDM}}}EntitySet",
            {
                "Name": set_name,
                "EntityType": f"{service.name}.{type_name}",
                f"{{{SAP}}}content-version": "1",
            },
        )
    for name, (source, nav) in associations.items():
        node = ET.SubElement(
            container,
            f"{{{EDM}}}AssociationSet",
            {
                "Name": f"{name}_Set",
                "Association": f"{service.name}.{name}",
                f"{{{SAP}}}creatable": "false",
                f"{{{SAP}}}updatable": "false",
                f"{{{SAP}}}deletable": "false",
                f"{{{SAP}}}content-version": "1",
            },
        )
        ET.SubElement(
            node,
            f"{{{EDM}}}End",
            {"EntitySet": service.set_of(source.name), "Role": f"FromRole_{name}"},
        )
        ET.SubElement(
            node,
            f"{{{EDM}}}End",
            {"EntitySet": service.set_of(nav.target), "Role": f"ToRole_{name}"},
        )
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>' + text).encode()
