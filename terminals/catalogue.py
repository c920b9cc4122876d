"""The catalogue of real POS terminal models seeded into TerminalModel (manufacturer, model,
form factor, supported communication). Operators add more in the admin."""

from __future__ import annotations

# (manufacturer, model, kind, comm types, typical firmware line)
MODELS: list[tuple[str, str, str, list[str], str]] = [
    ("百富 PAX", "A920", "smart", ["4g", "wifi"], "PayDroid 7.1"),
    ("百富 PAX", "A920Pro", "smart", ["4g", "wifi"], "PayDroid 10"),
    ("百富 PAX", "A8", "desktop", ["4g", "ethernet"], "Prolin 2.4"),
    ("百富 PAX", "S90", "traditional", ["4g", "wifi"], "Prolin 2.4"),
    ("新大陆 Newland", "ME31", "traditional", ["4g"], "NOS 3.1"),
    ("新大陆 Newland", "N910", "smart", ["4g", "wifi"], "Android 7.1"),
    ("新大陆 Newland", "SP630", "desktop", ["ethernet", "wifi"], "NOS 3.1"),
    ("联迪 Landi", "A8", "smart", ["4g", "wifi"], "Android 9"),
    ("联迪 Landi", "E350", "traditional", ["4g"], "LandiOS 5"),
    ("升腾 Centerm", "K9", "smart", ["4g", "wifi"], "Android 10"),
    ("升腾 Centerm", "C960F", "traditional", ["4g", "ethernet"], "CTOS 3"),
    ("商米 Sunmi", "P2", "smart", ["4g", "wifi"], "Sunmi OS 2"),
    ("商米 Sunmi", "P2 Pro", "smart", ["4g", "wifi"], "Sunmi OS 3"),
    ("Verifone", "VX520", "traditional", ["ethernet"], "VerixV"),
    ("Verifone", "X990", "smart", ["4g", "wifi"], "Verifone Engage"),
    ("新国都 Xinguodu", "K370", "traditional", ["4g"], "XGD OS 2"),
]
