from core.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import terminals from a CSV or XLSX file (upsert by terminal ID)."
    kind = "terminals"
