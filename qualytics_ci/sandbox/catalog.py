"""The simulated physical side: what a sync can discover, and fields of computed assets.

A catalog is ``{name: {"type": "table"|"view"|"file", "columns": [[name, type], ...]}}``,
one per connection. JDBC connections default to a retail warehouse, DFS
connections to a data lake, so a connection created through the API has
something to discover too. Field types use the platform's vocabulary
(Integral, Fractional, String, Boolean, Date, Timestamp).
"""

from __future__ import annotations

import copy
import re
from typing import Any

Column = list[str]
Catalog = dict[str, dict[str, Any]]

WAREHOUSE: Catalog = {
    "customers": {"type": "table", "columns": [
        ["customer_id", "Integral"], ["first_name", "String"], ["last_name", "String"],
        ["email", "String"], ["phone", "String"], ["country", "String"],
        ["created_at", "Timestamp"], ["is_active", "Boolean"]]},
    "orders": {"type": "table", "columns": [
        ["order_id", "Integral"], ["customer_id", "Integral"], ["order_date", "Date"],
        ["status", "String"], ["total_amount", "Fractional"], ["currency", "String"],
        ["shipped_at", "Timestamp"]]},
    "order_items": {"type": "table", "columns": [
        ["order_item_id", "Integral"], ["order_id", "Integral"], ["product_id", "Integral"],
        ["quantity", "Integral"], ["unit_price", "Fractional"], ["discount", "Fractional"]]},
    "payments": {"type": "table", "columns": [
        ["payment_id", "Integral"], ["order_id", "Integral"], ["amount", "Fractional"],
        ["method", "String"], ["status", "String"], ["paid_at", "Timestamp"]]},
    "products": {"type": "table", "columns": [
        ["product_id", "Integral"], ["sku", "String"], ["name", "String"],
        ["category", "String"], ["price", "Fractional"], ["in_stock", "Boolean"]]},
    "shipments": {"type": "table", "columns": [
        ["shipment_id", "Integral"], ["order_id", "Integral"], ["carrier", "String"],
        ["tracking_number", "String"], ["shipped_at", "Timestamp"],
        ["delivered_at", "Timestamp"]]},
    "daily_revenue": {"type": "view", "columns": [
        ["order_date", "Date"], ["revenue", "Fractional"], ["order_count", "Integral"]]},
}

LAKE: Catalog = {
    "clickstream_events": {"type": "file", "columns": [
        ["event_id", "String"], ["session_id", "String"], ["user_id", "Integral"],
        ["event_type", "String"], ["page_url", "String"], ["event_time", "Timestamp"],
        ["duration_ms", "Integral"]]},
    "inventory_snapshots": {"type": "file", "columns": [
        ["snapshot_date", "Date"], ["sku", "String"], ["warehouse_code", "String"],
        ["quantity_on_hand", "Integral"], ["unit_cost", "Fractional"]]},
    "support_tickets": {"type": "file", "columns": [
        ["ticket_id", "String"], ["customer_email", "String"], ["priority", "String"],
        ["status", "String"], ["opened_at", "Timestamp"], ["closed_at", "Timestamp"],
        ["satisfaction", "Integral"]]},
    "web_sessions": {"type": "file", "columns": [
        ["session_id", "String"], ["user_id", "Integral"], ["device", "String"],
        ["country", "String"], ["started_at", "Timestamp"], ["page_views", "Integral"]]},
}


# columns that exist only on some physical hosts (the dev database is ahead of prod)
HOST_EXTRAS: dict[str, dict[str, list[Column]]] = {
    "dev-db.acme.internal": {"customers": [["loyalty_tier", "String"]]},
}


def default_catalog(connection_type: str, host: str | None = None) -> Catalog:
    """The catalog a new connection of this kind (``jdbc`` or ``dfs``) at ``host`` sees."""
    catalog = copy.deepcopy(WAREHOUSE if connection_type == "jdbc" else LAKE)
    for table, columns in HOST_EXTRAS.get(host or "", {}).items():
        catalog[table]["columns"].extend(copy.deepcopy(columns))
    return catalog


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


_FROM = re.compile(r"\bfrom\b", re.IGNORECASE)
_ALIAS = re.compile(r"^(.*\S)\s+(?:as\s+)?([A-Za-z_]\w*)$", re.IGNORECASE | re.DOTALL)
_IDENT = re.compile(r"^(?:[A-Za-z_]\w*\.)*\"?([A-Za-z_]\w*)\"?$")
_KEYWORDS = {"end", "null", "true", "false", "desc", "asc"}


def select_list(sql: str) -> str:
    """The select list of a query (or of a bare select clause)."""
    text = sql.strip().rstrip(";")
    text = re.sub(r"^\s*select\s+(distinct\s+)?", "", text, flags=re.IGNORECASE)
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and _FROM.match(text, i) and (i == 0 or not text[i - 1].isalnum()):
            return text[:i]
    return text


def from_table(sql: str) -> str | None:
    """The first table named after FROM (last dotted part), if any."""
    m = re.search(r"\bfrom\s+([\w.\"`]+)", sql, re.IGNORECASE)
    return m.group(1).replace('"', "").replace("`", "").split(".")[-1] if m else None


def _expr_type(expr: str, known: dict[str, str]) -> str:
    low = expr.lower()
    if low.startswith("count("):
        return "Integral"
    if low.startswith(("sum(", "avg(", "round(")):
        return "Fractional"
    if low.startswith(("cast(", "try_cast(")) and " as " in low:
        target = low.rsplit(" as ", 1)[1].strip(") ")
        return {"int": "Integral", "bigint": "Integral", "integer": "Integral",
                "double": "Fractional", "date": "Date", "timestamp": "Timestamp",
                "boolean": "Boolean"}.get(target.split("(")[0], "String")
    m = _IDENT.match(expr)
    return known.get(m.group(1), "String") if m else "String"


def derive_fields(select: str, star: list[Column]) -> list[Column]:
    """Fields (name, type) produced by a select list; ``*`` expands to ``star``."""
    known = {name: typ for name, typ in star}
    out: list[Column] = []
    for i, item in enumerate(_split_top_level(select_list(select)), start=1):
        if item == "*" or item.endswith(".*"):
            out.extend([list(c) for c in star])
            continue
        m = _ALIAS.match(item)
        if m and m.group(2).lower() not in _KEYWORDS and not m.group(1).endswith((".", "(")):
            name, expr = m.group(2), m.group(1)
        else:
            ident = _IDENT.match(item)
            name, expr = (ident.group(1) if ident else f"col_{i}"), item
        out.append([name, _expr_type(expr, known)])
    seen: set[str] = set()
    unique: list[Column] = []
    for col in out:
        if col[0] not in seen:
            seen.add(col[0])
            unique.append(col)
    return unique
