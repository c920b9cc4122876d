from core.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import merchants from a CSV or XLSX file (upsert by merchant ID)."
    kind = "merchants"
