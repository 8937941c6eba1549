"""A small shop with known orders for the report tests, and its figures worked out by hand.

Local time is Asia/Ho_Chi_Minh (UTC+7). The period is 2026-11-17 to 2026-11-23 (local).
Every expected figure below was counted from the order list by hand, not by the code
under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.clock import FakeClock
from listsync.ledger.database import Ledger, OfferRecord
from listsync.report.model import Figures, OrderRow, Report, ReportOptions, build_report

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 17:00 local
FROM, TO = date(2026, 11, 17), date(2026, 11, 23)
RATE = Decimal("25400")

LONG_NAME = "Bộ ấm chén Bát Tràng men lam vẽ tay cao cấp (quà biếu Tết, hộp gỗ sơn mài)"


def catalog() -> list[Product]:
    return [
        Product(
            sku="TSTH",
            name=LocalizedText(vi="Trà sen Tây Hồ hộp quà thượng hạng"),
            category="tea",
            weight_g=300,
            price_vnd=120_000,
            variants=(
                Variant(sku="TSTH-100", options={"Khối lượng": "100g"}),
                Variant(sku="TSTH-250", options={"Khối lượng": "250g"}, price_vnd=250_000),
            ),
        ),
        Product(
            sku="BUN",
            name=LocalizedText(vi="Bún gạo lứt Chũ Bắc Giang"),
            category="noodles",
            weight_g=500,
            price_vnd=45_000,
        ),
        Product(
            sku="CBT",
            name=LocalizedText(vi=LONG_NAME),
            category="ceramics",
            weight_g=1500,
            price_vnd=850_000,
            safety_stock=2,
        ),
        Product(
            sku="CHIEU",
            name=LocalizedText(vi="Chiếu cói Nga Sơn"),
            category="mats",
            weight_g=2000,
            price_vnd=320_000,
        ),
    ]


def order(
    order_id: str,
    at: datetime,
    state: OrderState,
    *lines: tuple[str, int, int | str],
    currency: str = "VND",
) -> Order:
    """``lines`` are (sku, quantity, unit price); the total is their sum."""
    order_lines = tuple(
        OrderLine(sku, quantity, Money(Decimal(price), currency), str(number))
        for number, (sku, quantity, price) in enumerate(lines, start=1)
    )
    total = sum((line.unit_price.amount * line.quantity for line in order_lines), Decimal(0))
    return Order(order_id, state, state.value, at, at, Money(total, currency), order_lines)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


SHOPEE = [
    order("S0", utc(16, 16, 59), OrderState.PAID, ("BUN", 1, 45_000)),  # 11-16 23:59: before
    order("S1", utc(20, 16, 30), OrderState.PAID, ("TSTH-100", 2, 120_000)),  # 11-20 23:30
    order("S2", utc(20, 17, 30), OrderState.COMPLETED, ("BUN", 3, 45_000)),  # 11-21 00:30
    order(
        "S3",
        utc(21, 3),
        OrderState.CANCELLED,
        ("TSTH-250", 1, 250_000),
        ("BUN", 1, 45_000),
    ),
    order("S9", utc(23, 17), OrderState.PAID, ("BUN", 1, 45_000)),  # 11-24 00:00: after
]
LAZADA = [
    order("L1", utc(21, 5), OrderState.SHIPPED, ("CBT", 1, 850_000)),
    order("L2", utc(22, 2), OrderState.RETURNED, ("TSTH-100", 1, 120_000)),
    order("L3", utc(22, 9), OrderState.PENDING, ("TSTH-250", 2, 250_000)),
]
ALIBABA = [
    order("A1", utc(21, 8), OrderState.PAID, ("TSTH-250", 10, "3.25"), currency="USD"),
]

# by local day, counted by hand: (orders, cancelled, returned, units, VND, USD)
BY_DAY = {
    "2026-11-17": (0, 0, 0, 0, 0, "0.00"),
    "2026-11-18": (0, 0, 0, 0, 0, "0.00"),
    "2026-11-19": (0, 0, 0, 0, 0, "0.00"),
    "2026-11-20": (1, 0, 0, 2, 240_000, "0.00"),
    "2026-11-21": (4, 1, 0, 14, 985_000, "32.50"),
    "2026-11-22": (2, 0, 1, 2, 500_000, "0.00"),
    "2026-11-23": (0, 0, 0, 0, 0, "0.00"),
}
TOTAL = (7, 1, 1, 18, 1_725_000, "32.50")
CONVERTED_TOTAL = 1_725_000 + 825_500  # 32.50 USD × 25,400
BY_CHANNEL = {
    "alibaba": (1, 0, 0, 10, 0, "32.50"),
    "lazada": (3, 0, 1, 3, 1_350_000, "0.00"),
    "shopee": (3, 1, 0, 5, 375_000, "0.00"),
}
BY_PRODUCT = {  # line values: quantity × unit price
    "BUN": (2, 1, 0, 3, 135_000, "0.00"),
    "CBT": (1, 0, 0, 1, 850_000, "0.00"),
    "TSTH": (5, 1, 1, 14, 740_000, "32.50"),
    "CHIEU": (0, 0, 0, 0, 0, "0.00"),  # no order, listed all the same
}
# on hand, reserved (paid orders), buffer (1 + safety stock), available
STOCK = {
    "TSTH-100": (40, 2, 1, 37),
    "TSTH-250": (15, 10, 1, 4),
    "BUN": (100, 2, 1, 97),
    "CBT": (5, 0, 3, 2),
    "CHIEU": (0, 0, 1, 0),
}
GIVEN = {("TSTH-100", "lazada"): 30, ("BUN", "shopee"): 97, ("BUN", "lazada"): 90}


def shop_ledger(folder: Path) -> Ledger:
    ledger = Ledger.open(folder / "listsync.sqlite3", clock=FakeClock(NOW))
    ledger.upsert_products(catalog())
    for sku, (on_hand, *_rest) in STOCK.items():
        ledger.set_stock(sku, on_hand)
    ledger.upsert_orders("shopee", "SHOP-1", SHOPEE)
    ledger.upsert_orders("lazada", "LZ-1", LAZADA)
    ledger.upsert_orders("alibaba", "ALI-1", ALIBABA)
    ledger.save_offers(
        [
            OfferRecord(sku, channel, "X", stock=stock, price=Money.vnd(120_000))
            for (sku, channel), stock in GIVEN.items()
        ]
    )
    return ledger


def options(**changes: object) -> ReportOptions:
    values: dict[str, object] = {
        "by": "day",
        "start": FROM,
        "end": TO,
        "buffer": 1,
        "enabled": ("shopee", "lazada", "alibaba"),
    }
    values.update(changes)
    return ReportOptions(**values)  # type: ignore[arg-type]


def report(ledger: Ledger, **changes: object) -> Report:
    return build_report(ledger, options(**changes), NOW)


def figures(row: OrderRow | Figures) -> tuple[object, ...]:
    """A row's figures in the order of the tables above."""
    f = row.figures if isinstance(row, OrderRow) else row
    return (f.orders, f.cancelled, f.returned, f.units, f.vnd, str(f.amount("USD")))


# -- a bigger shop, for the page on a phone ---------------------------------------------------
# Four channels, names as long as real OCOP listings, amounts in the billions of dong and tens
# of thousands of dollars, and a listing turned down for a long reason: what a phone must fit.
LOTUS_TEA = "Trà sen Tây Hồ ướp hoa sen Bách Diệp hộp quà 200g"
BIG_CHANNELS = ("shopee", "lazada", "tiki", "alibaba")
LONG_TOKEN = "attribute_100134_ocop_certificate_document_missing_or_expired"


def big_catalog() -> list[Product]:
    return [
        Product(
            sku="TSBD",
            name=LocalizedText(vi=LOTUS_TEA),
            category="tea",
            weight_g=200,
            price_vnd=1_250_000,
        ),
        Product(
            sku="CBT",
            name=LocalizedText(vi=LONG_NAME),
            category="ceramics",
            weight_g=1500,
            price_vnd=8_500_000,
        ),
        Product(
            sku="MOHN",
            name=LocalizedText(vi="Mật ong hoa nhãn Hưng Yên nguyên chất chai thủy tinh 1 lít"),
            category="honey",
            weight_g=1400,
            price_vnd=450_000,
        ),
        Product(
            sku="NMPQ",
            name=LocalizedText(vi="Nước mắm cốt cá cơm Phú Quốc 40 độ đạm thùng gỗ"),
            category="sauce",
            weight_g=6000,
            price_vnd=1_100_000,
            variants=(
                Variant(sku="NMPQ-6", options={"Quy cách": "Thùng 6 chai thủy tinh 500ml"}),
                Variant(sku="NMPQ-12", options={"Quy cách": "Thùng 12 chai thủy tinh 500ml"}),
            ),
        ),
    ]


def big_shop_ledger(folder: Path) -> Ledger:
    """The bigger shop: 2.434.875.000 ₫ with its dollars converted at ``RATE``."""
    from listsync.channel.contract import ListingState
    from listsync.ledger.database import ListingRecord

    ledger = Ledger.open(folder / "listsync.sqlite3", clock=FakeClock(NOW))
    ledger.upsert_products(big_catalog())
    for sku in ("TSBD", "CBT", "MOHN", "NMPQ-6", "NMPQ-12"):
        ledger.set_stock(sku, 12_500)
    ledger.upsert_orders(
        "shopee",
        "SHOP-1",
        [
            order("S1", utc(18, 3), OrderState.COMPLETED, ("TSBD", 70, 1_250_000)),
            order("S2", utc(20, 9), OrderState.PAID, ("TSBD", 50, 1_250_000)),
        ],
    )
    ledger.upsert_orders(
        "lazada",
        "LZ-1",
        [order("L1", utc(19, 4), OrderState.SHIPPED, ("CBT", 40, 8_500_000))],
    )
    ledger.upsert_orders(
        "tiki",
        "TK-1",
        [
            order("T1", utc(21, 2), OrderState.PAID, ("MOHN", 900, 450_000)),
            order("T2", utc(22, 6), OrderState.CANCELLED, ("NMPQ-12", 3, 2_100_000)),
        ],
    )
    ledger.upsert_orders(
        "alibaba",
        "ALI-1",
        [order("A1", utc(21, 8), OrderState.PAID, ("NMPQ-6", 12_500, "4.85"), currency="USD")],
    )
    ledger.save_offers(
        [
            OfferRecord(sku, channel, "X", stock=10_000, price=Money.vnd(1_250_000))
            for sku in ("TSBD", "MOHN", "NMPQ-6")
            for channel in BIG_CHANNELS
        ]
    )
    ledger.save_listing(
        ListingRecord(
            "CBT",
            "tiki",
            "TK-1",
            ListingState.REJECTED,
            "track-9",
            reasons=(
                "Hình ảnh sản phẩm bị mờ, cần ảnh bìa nền trắng tối thiểu 500 × 500 px",
                f"Thiếu giấy chứng nhận OCOP ({LONG_TOKEN})",
            ),
        )
    )
    return ledger


def big_report(ledger: Ledger, **changes: object) -> Report:
    values: dict[str, object] = {"by": "product", "enabled": BIG_CHANNELS, "usd_vnd_rate": RATE}
    values.update(changes)
    return report(ledger, **values)
